/**
 * Filterable cascaders (级联选择) whose options load after the screen shows. el-cascader filters the typed text
 * against the options it holds when its 300 ms debounce fires, and does not filter again when the options
 * arrive: an operator who typed into 诉求分类 before the catalogue came saw 无匹配数据 until typing again.
 */
import { nextTick, watch, type Ref } from 'vue'

/**
 * A `before-filter` hook for a filterable el-cascader that holds the filter until `options` is not empty, then
 * lets it run on the text the input holds by then (the cascader reads it again); once loaded, it filters at once.
 * Call it in `setup`: the watch ends with the component. When the operator has left the field meanwhile, the
 * filter is dropped (a rejected hook), so the cascader is not left in its filtering state with an empty text.
 */
export function filterWhenLoaded(options: Readonly<Ref<readonly unknown[]>>): () => Promise<void> {
  const loaded = new Promise<void>((resolve) => {
    if (options.value.length) return resolve()
    const stop = watch(
      () => options.value.length > 0,
      (has) => {
        if (!has) return
        stop()
        resolve()
      },
    )
  })
  return async () => {
    if (options.value.length) return
    const input = document.activeElement
    await loaded
    await nextTick() // the cascader's panel builds its nodes from the new options first
    if (document.activeElement !== input || !(input instanceof HTMLInputElement) || !input.value) throw new Error('left the field')
  }
}
