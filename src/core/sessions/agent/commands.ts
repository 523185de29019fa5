import { BerthError } from '../../errors.js';

export const CLAUDE = 'claude';
export const SHELL = 'shell';

export interface AgentCommandInput {
  agent: string;
  prompt?: string;
  /** An explicit command (`-- CMD...`): runs as is. */
  command?: string[];
  /** Command templates of other agents by name, e.g. `aider --yes --message {prompt}`. */
  templates?: Record<string, string>;
  /**
   * Permission checks are skipped only where a container is the boundary; a process session
   * runs with the user's own rights, so there the agent asks as usual.
   */
  insideContainer: boolean;
}

export interface AgentCommand {
  command: string[];
  interactive: boolean;
}

/** Keeps a shell session alive to exec into; tini (Init) makes SIGTERM end it at once. */
export const IDLE_COMMAND = ['sleep', 'infinity'];

export function agentCommand(input: AgentCommandInput): AgentCommand {
  if (input.command?.length) return { command: input.command, interactive: false };
  if (input.agent === SHELL) return { command: IDLE_COMMAND, interactive: false };
  if (input.agent === CLAUDE) {
    const skip = input.insideContainer ? ['--dangerously-skip-permissions'] : [];
    if (input.prompt === undefined) return { command: [CLAUDE, ...skip], interactive: true };
    // After `--` the prompt can only be the prompt: one that starts with "--settings=" or "-v" must
    // not become an option of claude.
    return { command: [CLAUDE, '-p', '--output-format', 'stream-json', '--verbose', ...skip, '--', input.prompt], interactive: false };
  }
  const template = input.templates?.[input.agent];
  if (!template) {
    const known = [CLAUDE, SHELL, ...Object.keys(input.templates ?? {})].join(', ');
    throw new BerthError(`Unknown agent "${input.agent}".`, `Use one of ${known}, or add a command template for it (BERTH_AGENT_${input.agent.toUpperCase().replace(/[^A-Z0-9_]/g, '_')}).`, 'AGENT_UNKNOWN');
  }
  return { command: expandTemplate(template, input.prompt), interactive: input.prompt === undefined && !template.includes('{prompt}') };
}

/**
 * Splits a template into words (single and double quotes group) and puts the prompt in place of
 * `{prompt}` as one argv word: no shell ever sees the prompt. Where `{prompt}` is a word of its
 * own, a prompt starting with "-" would be read by the agent as an option, so it is refused unless
 * the template ends the options with `--` first; `--message={prompt}` is safe as it is.
 */
export function expandTemplate(template: string, prompt: string | undefined): string[] {
  const words: string[] = [];
  const pattern = /"([^"]*)"|'([^']*)'|(\S+)/g;
  for (const match of template.matchAll(pattern)) {
    const word = match[1] ?? match[2] ?? match[3] ?? '';
    if (word.includes('{prompt}')) {
      if (prompt === undefined) throw new BerthError('This agent needs a prompt.', 'Pass --prompt TEXT.', 'PROMPT_MISSING');
      if (word === '{prompt}' && prompt.startsWith('-') && !words.includes('--')) {
        throw new BerthError(
          'The prompt starts with "-", and this agent\'s command template passes the prompt as a word of its own, where the agent would read it as an option.',
          'Write the template with the prompt joined to its option (--message={prompt}) or after --, or start the prompt with another character.',
          'PROMPT_LOOKS_LIKE_OPTION',
        );
      }
      words.push(word.split('{prompt}').join(prompt));
    } else words.push(word);
  }
  if (words.length === 0) throw new BerthError('The agent command template is empty.', 'Give the agent a command in its BERTH_AGENT_<NAME> variable.', 'AGENT_TEMPLATE_EMPTY');
  return words;
}
