/** The BOARD.md `ccx init` writes: a Direction section and an empty Tasks block with a commented example. */
export const BOARD_TEMPLATE = `# Board

## Direction

Where this repository is heading, in a few sentences. Every agent turn reads this section, so say
what matters: the goal, the constraints, what not to touch.

## Tasks

One YAML row per task. Write a row as \`draft\`, flip it to \`pending\` when it is ready, and the
daemon picks it up. ccx fills in the bookkeeping fields itself.

\`\`\`yaml
# - id: T-1
#   title: Add a --verbose flag to the CLI
#   status: draft              # draft -> pending when it is ready to run
#   scope:
#     include: [src/cli/**]    # git pathspecs the task may change (empty: the whole repository)
#     exclude: []
#   priority: normal           # high | normal | low
#   depends_on: []             # ids that must be merged first
#   notes: |
#     Anything the agents should know.
\`\`\`
`;
