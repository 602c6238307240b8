/**
 * Secret Template parameters. A parameter is secret when its schema says
 * `ui:field: Secret`, as Backstage's scaffolder does. Its value never travels in
 * `spec.values` (which everyone who reads the run sees, and which goes into the run's
 * snapshot ConfigMap): the TemplateRun names a Secret in its own namespace
 * (`spec.secretValuesRef.name`) whose keys are the secret parameters' names. The scaffolder
 * gets each one as a variable of its own — in a Job a `secretKeyRef` the kubelet resolves —
 * and templates see them as `${{ secrets.name }}`, never among `values`.
 */

type Schema = Record<string, unknown>;

/** The `ui:field` that marks a parameter secret (Backstage's name for it). */
export const SECRET_FIELD = 'Secret';

/** Secret values shorter than this are not redacted: starring every "a" in a log hides nothing. */
export const MIN_REDACTED_LENGTH = 4;

const isSchema = (x: unknown): x is Schema => typeof x === 'object' && x !== null && !Array.isArray(x);

/** The names of the secret parameters of a template (top-level properties), sorted. */
export function secretParameterNames(parameters: Schema | undefined): string[] {
  const props = parameters?.properties;
  if (!isSchema(props)) return [];
  return Object.entries(props)
    .filter(([, schema]) => isSchema(schema) && schema['ui:field'] === SECRET_FIELD)
    .map(([name]) => name)
    .sort();
}

/** One secret parameter and the variable a scaffolder receives it in. */
export interface SecretParameterEnv {
  parameter: string;
  variable: string;
}

/**
 * The variables secret parameters arrive in, numbered in name order: parameter names need
 * not be valid variable names, and operator and scaffolder derive the same numbering from
 * the same Template generation (the snapshot's).
 */
export function secretParameterEnvs(parameters: Schema | undefined): SecretParameterEnv[] {
  return secretParameterNames(parameters).map((parameter, index) => ({ parameter, variable: `GREENROOM_SECRET_PARAMETER_${index}` }));
}

/** The secret parameters a run's `spec.values` carries, which it must not. */
export function secretsInValues(parameters: Schema | undefined, values: Record<string, unknown> | undefined): string[] {
  return secretParameterNames(parameters).filter((name) => values !== undefined && Object.hasOwn(values, name));
}

/** The secret parameters' values from a Secret's (decoded) data; keys that are not secret parameters are ignored. */
export function secretsFromData(parameters: Schema | undefined, data: Record<string, string>): Record<string, string> {
  return Object.fromEntries(secretParameterNames(parameters).flatMap((name) => (data[name] === undefined ? [] : [[name, data[name]]])));
}

/** The variables that carry `secrets` to an in-process scaffolder. */
export function secretsToEnv(parameters: Schema | undefined, secrets: Record<string, string>): Record<string, string> {
  return Object.fromEntries(
    secretParameterEnvs(parameters).flatMap(({ parameter, variable }) =>
      secrets[parameter] === undefined ? [] : [[variable, secrets[parameter]]],
    ),
  );
}

/** The secret parameters' values, read back by the scaffolder from its environment. */
export function secretsFromEnv(parameters: Schema | undefined, env: NodeJS.ProcessEnv): Record<string, string> {
  return Object.fromEntries(
    secretParameterEnvs(parameters).flatMap(({ parameter, variable }) => (env[variable] === undefined ? [] : [[parameter, env[variable]]])),
  );
}

/** The values of `secrets` worth redacting from texts. */
export function redactable(secrets: Record<string, string>): string[] {
  return Object.values(secrets).filter((value) => value.length >= MIN_REDACTED_LENGTH);
}

/**
 * The `secretKeyRef` variables of a scaffolding Job for a run naming `secretName`: optional,
 * so an optional parameter may be left out of the Secret (the values check still requires
 * the required ones).
 */
export function secretParameterEnvVars(parameters: Schema | undefined, secretName: string | undefined): object[] {
  if (!secretName) return [];
  return secretParameterEnvs(parameters).map(({ parameter, variable }) => ({
    name: variable,
    valueFrom: { secretKeyRef: { name: secretName, key: parameter, optional: true } },
  }));
}

/**
 * The parameters with the secret ones no longer required, for a check that cannot see the
 * secrets (the dashboard's form, whose secret fields never reach the server; an operator
 * that may not read the run's Secret, when the scaffolder checks them instead).
 */
export function withoutSecretRequirements(parameters: Schema | undefined): Schema | undefined {
  const secret = new Set(secretParameterNames(parameters));
  if (!parameters || secret.size === 0 || !Array.isArray(parameters.required)) return parameters;
  return { ...parameters, required: parameters.required.filter((name) => !secret.has(name as string)) };
}
