/** OpenCC's dictionaries as opencc-js ships them (`dist/esm-lib/dict/*.js`): "from to|from to|…", untyped upstream. */
declare module 'opencc-js/dict/*' {
  const dict: string
  export default dict
}
