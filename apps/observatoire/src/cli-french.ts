import { Command, Help } from 'commander';

/** Commander's own words, in French (titles, defaults, choices). */
const HELP_WORDS: [RegExp, string][] = [
  [/^Usage:/gm, 'Utilisation :'],
  [/^Options:/gm, 'Options :'],
  [/^Commands:/gm, 'Commandes :'],
  [/^Arguments:/gm, 'Arguments :'],
  [/^Global Options:/gm, 'Options globales :'],
  [/\[command\]/g, '[commande]'],
];
function frenchHelp(text: string): string {
  return HELP_WORDS.reduce((t, [re, fr]) => t.replace(re, fr), text);
}

/** Commander's error messages, in French (its codes are stable: commander.unknownOption…). */
export function frenchCommanderError(code: string, message: string): string {
  const quoted = (i = 0) => [...message.matchAll(/'([^']*)'/g)][i]?.[1] ?? '';
  const suggestion = /\(Did you mean (.*)\?\)/.exec(message)?.[1];
  const hint = suggestion ? ` (vouliez-vous dire ${suggestion} ?)` : '';
  switch (code) {
    case 'commander.unknownOption':
      return `erreur : option inconnue « ${quoted()} »${hint}`;
    case 'commander.unknownCommand':
      return `erreur : commande inconnue « ${quoted()} »${hint}`;
    case 'commander.missingArgument':
      return `erreur : argument obligatoire manquant « ${quoted()} »`;
    case 'commander.optionMissingArgument':
      return `erreur : l’option « ${quoted()} » attend une valeur`;
    case 'commander.missingMandatoryOptionValue':
      return `erreur : option obligatoire « ${quoted()} » non donnée`;
    case 'commander.invalidArgument': {
      const allowed = /Allowed choices are (.*)\./.exec(message)?.[1];
      return `erreur : valeur « ${quoted(1)} » invalide pour « ${quoted()} »${allowed ? ` (choix : ${allowed})` : ''}`;
    }
    case 'commander.excessArguments':
      return `erreur : trop d’arguments${/Expected (\d+)/.exec(message) ? ` (${/Expected (\d+)/.exec(message)?.[1]} attendu(s))` : ''}`;
    case 'commander.conflictingOption':
      return `erreur : options incompatibles (${[...message.matchAll(/'([^']*)'/g)].map((m) => m[1]).join(', ')})`;
    default:
      return message.replace(/^error: /, 'erreur : ');
  }
}

/** A command with French help, help option, help command and error messages; its subcommands inherit them. */
export function frenchProgram(): Command {
  const program = new Command();
  program
    .name('observatoire')
    .description('Observatoire de la commande publique bretonne')
    .helpOption('-h, --help', 'affiche cette aide')
    .helpCommand('help [commande]', 'affiche l’aide d’une commande')
    .configureHelp({
      formatHelp: (cmd, helper) => frenchHelp(Help.prototype.formatHelp.call(helper, cmd, helper)),
      optionDescription: (option) => {
        const extra: string[] = [];
        if (option.argChoices) extra.push(`choix : ${option.argChoices.join(', ')}`);
        const shown = option.defaultValue !== undefined && (option.required || option.optional || (option.isBoolean() && option.defaultValue === true));
        if (shown) extra.push(`par défaut ${option.defaultValueDescription ?? String(option.defaultValue)}`);
        if (option.envVar !== undefined) extra.push(`variable ${option.envVar}`);
        return extra.length ? `${option.description} (${extra.join(' ; ')})` : option.description;
      },
      argumentDescription: (argument) => {
        const extra: string[] = [];
        if (argument.argChoices) extra.push(`choix : ${argument.argChoices.join(', ')}`);
        if (argument.defaultValue !== undefined) extra.push(`par défaut ${argument.defaultValueDescription ?? String(argument.defaultValue)}`);
        return extra.length ? `${argument.description} (${extra.join(' ; ')})` : argument.description;
      },
    })
    .exitOverride()
    .configureOutput({ outputError: () => undefined });
  return program;
}
