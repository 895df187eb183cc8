// validate_argument_spec: check variables and given arguments against an
// argument spec, with the same checks as a role's meta/argument_specs
// (src/playbook/argument-spec.ts): the variables the spec names, with
// provided_arguments over them.
import type { Module } from '../src/module-api/module-types.js';
import { argumentErrors, type ArgumentSpec } from '../src/playbook/argument-spec.js';

interface ValidateArgs {
  argument_spec: ArgumentSpec;
  provided_arguments: Record<string, unknown>;
  validate_args_context: Record<string, unknown>;
}

const validateArgumentSpec: Module<ValidateArgs> = {
  name: 'validate_argument_spec',
  summary: 'Validate role argument specs.',
  supportsCheckMode: true,
  controllerOnly: true,
  schema: {
    type: 'object',
    properties: {
      argument_spec: { type: 'object', description: 'A dictionary like AnsibleModule argument_spec.' },
      provided_arguments: { type: 'object', default: {}, description: 'A dictionary of the arguments that will be validated according to argument_spec.' },
      validate_args_context: { type: 'object', default: {}, description: 'What the validation is for, returned in the result.' },
    },
    required: ['argument_spec'],
  },
  async plan(ctx) {
    const { argument_spec: spec, provided_arguments: provided, validate_args_context: context } = ctx.args;
    const values: Record<string, unknown> = {};
    for (const name of Object.keys(spec)) if (name in ctx.vars) values[name] = ctx.vars[name];
    Object.assign(values, provided);
    // Rendered values are str to Ansible (not AnsibleUnicode), as templating makes them.
    const errors = argumentErrors(spec, values, () => false);
    if (errors.length === 0) return { changed: false, result: { validate_args_context: context, msg: 'The arg spec validation passed' } };
    return {
      changed: false,
      result: {
        validate_args_context: context,
        failed: true,
        msg: `Validation of arguments failed:\n${errors.join('\n')}`,
        argument_spec_data: spec,
        argument_errors: errors,
      },
    };
  },
};

export default validateArgumentSpec;
