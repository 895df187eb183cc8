import { readFileSync } from 'node:fs';
import { Templar } from '../src/templating/templar.js';
const t = new Templar();
for (const f of ['main.j2', 'page.j2']) {
  try { console.log(JSON.stringify(t.renderText(readFileSync('/tmp/tpl/templates/' + f, 'utf8'), { name: 'N' }, { searchPaths: ['/tmp/tpl/templates', '/tmp/tpl'] }))); } catch (e) { console.log('ERR', (e as Error).message); }
}
