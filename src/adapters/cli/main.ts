/**
 * The `duban` command: routes the first word to a sub-command module. Each sub-command lives in
 * its own file `<name>.command.ts` exporting `run(args): Promise<number>` (the exit code), so
 * adding one does not touch the others.
 */
type Command = { run(args: string[]): Promise<number> }

const commands: Record<string, { summary: string; load: () => Promise<Command> }> = {
  extract: { summary: 'read plan documents and print or write their items', load: () => import('./extract.command.ts') },
  serve: { summary: 'serve the HTTP API and web app', load: () => import('./serve.command.ts') },
  import: { summary: 'import a plan document into the ledger', load: () => import('./import.command.ts') },
  units: { summary: 'list, import and map units', load: () => import('./units.command.ts') },
  calendar: { summary: 'show and extend the working-day calendar', load: () => import('./calendar.command.ts') },
  supervise: { summary: 'run one supervision tick (reminders, escalation, 督办单)', load: () => import('./supervise.command.ts') },
  audit: { summary: 'seal and verify the audit log hash chain; print its head to publish', load: () => import('./audit.command.ts') },
  dispatch: { summary: 'suggest handling units for requests; evaluate by function', load: () => import('./dispatch.command.ts') },
  tickets: { summary: '12345 tickets: 未诉先办 hot spots; index tickets for Chinese search', load: () => import('./tickets.command.ts') },
  bench: { summary: 'run the benchmarks and write BENCHMARKS numbers', load: () => import('./bench.command.ts') },
}

function usage(): string {
  const rows = Object.entries(commands).map(([name, c]) => `  ${name.padEnd(10)} ${c.summary}`)
  return ['usage: duban <command> [options]', '', 'commands:', ...rows, '', 'duban <command> --help for its options'].join('\n')
}

/** Runs the CLI with the arguments after the program name; returns the exit code. */
export async function main(argv: string[]): Promise<number> {
  const [name, ...rest] = argv
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    process.stdout.write(usage() + '\n')
    return name ? 0 : 2
  }
  const entry = commands[name]
  if (!entry) {
    process.stderr.write(`duban: unknown command '${name}'\n${usage()}\n`)
    return 2
  }
  const command = await entry.load()
  return command.run(rest)
}
