/** The number of lines in `text`; a final line break does not start another line. */
export function countLines(text) {
  if (text === '') return 0;
  return text.replace(/\n$/, '').split('\n').length;
}
