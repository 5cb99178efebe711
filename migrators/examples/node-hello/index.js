// node index.js: the Node.js hello-world migrator, configured from the environment as a Java SDK migrator is.
import path from 'node:path';
import { helloMigrator } from './hello.js';
import { log } from './lib/log.js';
import { startMigrator } from './lib/migrator.js';
import { fromEnvironment } from './lib/settings.js';

let settings;
try {
  settings = fromEnvironment(process.env);
} catch (e) {
  console.error(`node-hello: ${e.message}`);
  process.exit(2);
}

const projects = path.resolve(process.env.HELLO_DIR ?? '.');
const migrator = await startMigrator(helloMigrator(projects), settings);
log.info(`greeting the project folders under ${projects}`);

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.once(signal, async () => {
    await migrator.close();
    process.exit(0);
  });
}
