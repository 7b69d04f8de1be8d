// `--help` text, generated from the same tables the parser uses so the two never disagree.
import { commandNames, commandSpecs, globalOptions, optionSpecs, type CommandName, type OptionName } from './args';
import { ExitCode } from './exit-codes';

const bin = 'migration-chain';

export function generalHelp(): string {
  const width = Math.max(...commandNames.map((n) => n.length));
  return [
    `Usage: ${bin} <command> [options]`,
    '',
    'Alembic-compatible PostgreSQL migration chains.',
    '',
    'Commands:',
    ...commandNames.map((name) => `  ${name.padEnd(width)}  ${commandSpecs[name].summary}`),
    '',
    'Global options:',
    ...formatOptions([...globalOptions, 'version']),
    '',
    'Connection: --url, else $DATABASE_URL, else DATABASE_URL in ./.env.',
    'Exit codes: ' + Object.entries(ExitCode).map(([name, code]) => `${code} ${name}`).join(', ') + '.',
    '',
    `Run \`${bin} <command> --help\` for a command's options.`,
  ].join('\n') + '\n';
}

export function commandHelp(name: CommandName): string {
  const spec = commandSpecs[name];
  const positionals = spec.positionals.map((p) => (p.required ? p.name : `[${p.name}]`)).join(' ');
  const lines = [`Usage: ${bin} ${name}${positionals ? ` ${positionals}` : ''} [options]`, '', `${capitalise(spec.summary)}.`];
  if (spec.details) lines.push(spec.details);
  if (spec.positionals.length) {
    lines.push('', 'Arguments:');
    const width = Math.max(...spec.positionals.map((p) => p.name.length));
    for (const p of spec.positionals) lines.push(`  ${p.name.padEnd(width)}  ${p.description}`);
  }
  if (spec.options.length) lines.push('', 'Options:', ...formatOptions(spec.options));
  lines.push('', 'Global options:', ...formatOptions(globalOptions));
  return lines.join('\n') + '\n';
}

function formatOptions(names: readonly OptionName[]): string[] {
  const labels = names.map((name) => {
    const spec: { type: string; short?: string; value?: string } = optionSpecs[name];
    const short = spec.short ? `-${spec.short}, ` : '    ';
    return `${short}--${name}${spec.value ? ` ${spec.value}` : ''}`;
  });
  const width = Math.max(...labels.map((l) => l.length));
  return names.map((name, i) => `  ${labels[i].padEnd(width)}  ${optionSpecs[name].description}`);
}

function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
