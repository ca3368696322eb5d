// The README readers used by the delivery tests must see a mismatch when there is one.
import { describe, expect, test } from 'vitest';
import { parseTemplate } from '../support/cfn/parse.js';
import { deployOverrides, parameterTable, requiredParameters, section, tableMismatches } from './readme.js';

const README = `
### 1. The service stack

\`\`\`sh
aws cloudformation deploy --stack-name s \\
  --template-file infra/service.yml \\
  --parameter-overrides VpcId=vpc-1 Port="$(out Port)"
\`\`\`

| parameter | default | what to pass |
|---|---|---|
| \`VpcId\` | (required) | the VPC |
| \`Port\` | \`80\` | |
| \`Name\` | (empty) | |

### 2. Next
`;

const TEMPLATE = parseTemplate(`
Parameters:
  VpcId: { Type: AWS::EC2::VPC::Id }
  Port: { Type: Number, Default: 80 }
  Name: { Type: String, Default: "" }
`);

describe('README readers', () => {
  test('a table that matches the parameters has no mismatch', () => {
    expect(tableMismatches(parameterTable(section(README, '### 1.')), TEMPLATE)).toEqual([]);
  });

  test('a wrong default, a missing row and an extra row are each reported', () => {
    const rows = parameterTable(section(README, '### 1.'));
    rows.set('Port', '`8080`');
    rows.delete('Name');
    rows.set('Extra', '`x`');
    expect(tableMismatches(rows, TEMPLATE)).toEqual([
      'Extra: in the README, not in the template',
      'Port: README shows `8080`, template default is `80`',
      'Name: in the template, not in the README',
    ]);
  });

  test('a section ends at the next level-3 heading', () => {
    expect(section(README, '### 1.')).not.toContain('### 2.');
    expect(() => section(README, '### 9.')).toThrow();
  });

  test('deploy commands are read across continued lines', () => {
    expect(deployOverrides(README, 'infra/service.yml')).toEqual([['VpcId', 'Port']]);
    expect(deployOverrides(README, 'infra/pipeline.yml')).toEqual([]);
    expect(requiredParameters(TEMPLATE)).toEqual(['VpcId']);
  });
});
