export { appendRowEdits, type NewRow } from './append-rows.js';
export { renderRow, renderScalar, type RowValue } from './render.js';
export { setFieldEdits } from './set-fields.js';
export { applyEdits, applyEditsToBytes, differingRange, firstNotUtf8, NotUtf8Edit, type TextEdit } from './splice.js';
