// The MCP server's public surface, for the faces that start it (the extension, the CLI).
export { DEFAULT_MCP_LIMITS, type AuthorizeRequest, type McpClientStatus, type McpLimits, type McpServerOptions, type McpStatus } from './hub.js';
export { startHttpServer, type BerthMcpHttpServer, type HttpServerOptions } from './http.js';
export { DEFAULT_SCOPES, SCOPES, scopeOf, type Scope } from './scopes.js';
export { serveStdio } from './stdio.js';
export { authenticate, createToken, DEFAULT_TOKEN_NAME, defaultTokenPath, FileTokenStore, initialTokens, newTokenSecret, revokeToken, rotateToken, type McpToken, type TokenStore } from './tokens.js';
