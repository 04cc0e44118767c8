export { answerIn, askFilePath, asksDir, openAskTasks, writeAnswer } from './ask-file.js';
export { ANSWERER_SCHEMA, answererPrompt, readAnswererReply, type AnswererInput, type AnswererRun } from './answerer.js';
export { createAsker, type AskContext, type AskEvents, type Asker, type AskerOptions, type PersonPrompt } from './broker.js';
export { removeChannel, serveQuestions, type ChannelReply } from './channel.js';
export { parseDuration } from './duration.js';
export { ASK_TOOL_NAME, CLAUDE_ASK_TOOL, MCP_SERVER_NAME, serveMcpOnChannel } from './mcp-server.js';
export { answeredBlock, normaliseQuestion } from './question.js';
export * from './types.js';
export { ccxMcpArgv } from './mcp-argv.js';
