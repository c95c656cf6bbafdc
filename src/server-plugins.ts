/**
 * Server plugins of the other areas (ingestion upload routes, console, jobs service and scheduler…), run by
 * startServer before it listens. Add yours with one import and one array entry; see the ServerPlugin notes in
 * src/server.ts for what a plugin can do.
 */
import type { ServerPlugin } from './server.js';
import { consolePlugin } from './console-server/plugin.js';
import { jobsPlugin } from './jobs/plugin.js';
import { uploadsPlugin } from './ingest/upload-plugin.js';

export const serverPlugins: ServerPlugin[] = [consolePlugin, jobsPlugin(), uploadsPlugin];
