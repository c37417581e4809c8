/** A division's name without its level word (云州市 → 云州, 青龙区 → 青龙): its short form in addresses and 文号. Pure. */

/** The level words a division's name may end with. */
const LEVEL_SUFFIX = /(?:特别行政区|自治区|自治州|自治县|自治旗|街道|社区|地区|市|区|县|镇|乡|旗|盟)$/u

/** The name less its level word when at least two characters are left (沛县 stays 沛县), else the name. */
export function nameLessLevel(name: string): string {
  const bare = name.replace(LEVEL_SUFFIX, '')
  return [...bare].length >= 2 ? bare : name
}
