/**
 * What keeps a turn's prompt bounded (SPEC 6.6): the brief and Direction go in verbatim, the rest
 * is capped, and nothing of earlier cycles is carried except the findings still open.
 */
/** The patch of base..HEAD shown in a prompt; past it the patch is cut with a note. */
export const MAX_DIFF_BYTES = 48 * 1024;
/** The `git diff --stat` summary shown above the patch. */
export const MAX_STAT_BYTES = 6 * 1024;
/** Open findings listed in a prompt; the rest are counted in a note. */
export const MAX_PROMPT_FINDINGS = 20;
/** One finding's body and recommendation (test output tails included). */
export const MAX_FINDING_CHARS = 2_000;
/** The implementer's answer quoted to the reviewer after a turn that changed nothing. */
export const MAX_NOTE_CHARS = 2_000;
