// The schema of the settings file at the root of the config directory (exo-gitops.yaml): which YAML
// files hold the desired state. Checked by src/load/settings-file.ts, and written by `exo-gitops
// schema --out` for editors.

export const SETTINGS_SCHEMA_FILE = 'exo-gitops-settings.schema.json';

export function settingsSchema(): Record<string, unknown> {
  const globs = (description: string): Record<string, unknown> => ({
    type: 'array',
    description,
    items: { type: 'string', minLength: 1, description: 'A glob relative to the config directory, / between folders: docs/**, **/compose*.yml, tenants/*.yaml.' },
  });
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    $id: SETTINGS_SCHEMA_FILE,
    title: 'exo-gitops settings (exo-gitops.yaml at the root of the config directory)',
    description: 'Which YAML files below the config directory exo-gitops reads. Not desired state: it holds no apiVersion or kind.',
    type: 'object',
    additionalProperties: false,
    properties: {
      include: globs(
        'Read only the YAML files these globs match (a glob that matches a folder takes in everything below it). Default: every *.yaml and *.yml file, outside folders starting with . and node_modules.',
      ),
      exclude: globs('Never read the YAML files these globs match (a glob that matches a folder leaves out everything below it), even when include matches them.'),
    },
  };
}
