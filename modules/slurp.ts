// slurp: read a host file and return it base64-encoded.
import { ModuleFailure, type Module } from '../src/module-api/module-types.js';
import { probePath } from '../src/host/remote-files.js';

interface SlurpArgs {
  src: string;
}

const slurp: Module<SlurpArgs, undefined> = {
  name: 'slurp',
  summary: 'Slurps a file from remote nodes',
  supportsCheckMode: true,
  hostFiles: true,
  schema: { type: 'object', properties: { src: { type: 'string' } }, required: ['src'] },
  optionAliases: { path: 'src' },
  async plan(ctx) {
    const src = ctx.args.src;
    const st = await probePath(ctx.conn, src, { follow: true, content: true });
    if (!st.exists) throw new ModuleFailure(`file not found: ${src}`);
    if (st.type === 'directory') throw new ModuleFailure(`source is a directory and must be a file: ${src}`);
    if (!st.content) throw new ModuleFailure(`file is not readable: ${src}`);
    return {
      changed: false,
      result: { changed: false, content: st.content.toString('base64'), encoding: 'base64', source: src },
    };
  },
};

export default slurp;
