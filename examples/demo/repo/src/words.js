/** The number of words in `text`: runs of characters between whitespace. */
export function countWords(text) {
  return text.split(/\s+/).filter((word) => word !== '').length;
}
