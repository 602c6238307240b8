/**
 * Owner notifications as Slack incoming-webhook payloads: `text` is the fallback shown in
 * notifications and by clients without Block Kit; `blocks` carry the layout. Every piece of
 * user text (titles, rule messages, refs) goes through {@link escapeSlack}, so an entity
 * titled `<!channel>` or `<script>` is shown as typed instead of pinging or linking.
 */

/** The Block Kit blocks these messages use. */
export type SlackBlock =
  | { type: 'header'; text: { type: 'plain_text'; text: string; emoji: boolean } }
  | { type: 'section'; text: { type: 'mrkdwn'; text: string } }
  | { type: 'context'; elements: { type: 'mrkdwn'; text: string }[] };

/** An incoming-webhook payload. */
export interface SlackMessage {
  text: string;
  blocks: SlackBlock[];
}

export interface LevelDropInput {
  entityRef: string;
  entityTitle?: string;
  /** Owner ref, e.g. group:team-a. */
  owner: string;
  /** namespace/name of the Scorecard. */
  scorecard: string;
  scorecardTitle?: string;
  from: string;
  /** The new level; empty when the entity now reaches none. */
  to: string;
  failing: { rule: string; message: string }[];
  dashboardUrl?: string;
}

export interface InitiativeReminderInput {
  /** namespace/name of the Initiative. */
  initiative: string;
  title?: string;
  owner: string;
  /** RFC 3339. */
  deadline: string;
  /** The milestone reached, as `milestoneDue` names it: 30d, 14d, 7d, 1d, 0d. */
  milestone: string;
  /** The owner's entities not yet at target. */
  behind: { ref: string; title?: string }[];
  atTarget: number;
  total: number;
  /** What "at target" means, e.g. the target level ("gold"); "the target" when absent. */
  target?: string;
  dashboardUrl?: string;
}

/** Failing rules and lagging entities listed before "…and N more". */
export const MAX_FAILING_LISTED = 5;
export const MAX_BEHIND_LISTED = 10;
/** Block Kit limits: header text 150 characters, section text 3000. */
const HEADER_MAX = 150;
const SECTION_MAX = 3000;
/** One user-supplied piece of text (title, rule message) is cut here, before escaping. */
const PIECE_MAX = 100;
/** Longer dashboard URLs (escaped) are left out rather than risk the section limit. */
const URL_MAX = 800;

/** Escapes the three characters Slack treats as control characters in message text. */
export function escapeSlack(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** "orders dropped from gold to silver on Production readiness", failing rules listed. */
export function levelDropMessage(input: LevelDropInput): SlackMessage {
  const entity = piece(input.entityTitle || input.entityRef);
  const scorecard = piece(input.scorecardTitle || input.scorecard);
  const from = piece(input.from);
  const to = piece(input.to) || 'no level';
  const summary = `${entity} dropped from ${from} to ${to} on ${scorecard}`;
  const lines = input.failing
    .slice(0, MAX_FAILING_LISTED)
    .map((f) => `• *${escapeSlack(piece(f.rule))}*${f.message ? ` — ${escapeSlack(piece(f.message))}` : ''}`);
  const blocks: SlackBlock[] = [
    header('Scorecard level dropped'),
    section(
      `*${link(entity, input.dashboardUrl)}* dropped from *${escapeSlack(from)}* to *${escapeSlack(to)}* on *${escapeSlack(scorecard)}*.`,
    ),
  ];
  if (lines.length > 0) blocks.push(section(bulleted('*Failing rules*', lines, input.failing.length)));
  blocks.push(
    context([
      `Entity: \`${escapeSlack(piece(input.entityRef))}\``,
      `Owner: ${escapeSlack(piece(input.owner))}`,
      `Scorecard: ${escapeSlack(piece(input.scorecard))}`,
    ]),
  );
  return { text: escapeSlack(summary), blocks };
}

/** "Reminder: 3 of your entities are not at gold for Production readiness, due in 14 days". */
export function initiativeReminderMessage(input: InitiativeReminderInput): SlackMessage {
  const title = piece(input.title || input.initiative);
  const target = piece(input.target || 'the target');
  const n = input.behind.length;
  const due = dueIn(input.milestone, input.deadline);
  const summary =
    n === 0
      ? `Reminder: all ${input.total} of your entities are at ${target} for ${title}, ${due}`
      : `Reminder: ${n} of your entities ${n === 1 ? 'is' : 'are'} not at ${target} for ${title}, ${due}`;
  const lines = input.behind
    .slice(0, MAX_BEHIND_LISTED)
    .map((b) => `• ${b.title ? `${escapeSlack(piece(b.title))} (\`${escapeSlack(piece(b.ref))}\`)` : `\`${escapeSlack(piece(b.ref))}\``}`);
  const blocks: SlackBlock[] = [
    header('Initiative reminder'),
    section(
      `*${link(title, input.dashboardUrl)}*: ${input.atTarget} of ${input.total} of your entities are at *${escapeSlack(target)}*, ${escapeSlack(due)}.`,
    ),
  ];
  if (lines.length > 0) blocks.push(section(bulleted(`*Not yet at ${escapeSlack(target)}*`, lines, n)));
  blocks.push(
    context([
      `Owner: ${escapeSlack(piece(input.owner))}`,
      `Deadline: ${escapeSlack(piece(dateOf(input.deadline)))}`,
      `Initiative: ${escapeSlack(piece(input.initiative))}`,
    ]),
  );
  return { text: escapeSlack(summary), blocks };
}

function dueIn(milestone: string, deadline: string): string {
  const days = /^(\d+)d$/.exec(milestone)?.[1];
  if (days === undefined) return `due ${dateOf(deadline)}`;
  const n = Number(days);
  return n === 0 ? 'due today' : `due in ${n} ${plural(n, 'day', 'days')}`;
}

/** The calendar date of an RFC 3339 time (UTC), or the text as given when it does not parse. */
function dateOf(time: string): string {
  const t = new Date(time);
  return Number.isNaN(t.getTime()) ? time : t.toISOString().slice(0, 10);
}

/** `<url|text>` for http(s) URLs; other schemes are shown as plain text, never as links. */
function link(text: string, url: string | undefined): string {
  // `|` ends the URL part of a link; percent-encoded it is the same URL.
  const target = url && /^https?:\/\//i.test(url) ? escapeSlack(url.replace(/\|/g, '%7C')) : '';
  if (!target || target.length > URL_MAX) return escapeSlack(text);
  return `<${target}|${escapeSlack(text)}>`;
}

/**
 * A heading and bullet lines, as many as fit in one section, then "…and N more" counting
 * everything left out of `total` (lines are already escaped, so they are never cut).
 */
function bulleted(heading: string, lines: string[], total: number): string {
  let text = heading;
  let listed = 0;
  for (const line of lines) {
    if (text.length + line.length + 40 > SECTION_MAX) break;
    text += `\n${line}`;
    listed++;
  }
  return total > listed ? `${text}\n…and ${total - listed} more` : text;
}

/** One line, cut before escaping so that no `&amp;` is ever cut in half. */
function piece(text: string): string {
  return truncate(text.replace(/\s+/g, ' ').trim(), PIECE_MAX);
}

function truncate(text: string, max: number): string {
  return text.length <= max ? text : `${text.slice(0, max - 1)}…`;
}

function plural(n: number, one: string, many: string): string {
  return n === 1 ? one : many;
}

function header(text: string): SlackBlock {
  return { type: 'header', text: { type: 'plain_text', text: truncate(text, HEADER_MAX), emoji: true } };
}

/** Sections are built from bounded pieces and stay under the block limit. */
function section(text: string): SlackBlock {
  return { type: 'section', text: { type: 'mrkdwn', text } };
}

function context(texts: string[]): SlackBlock {
  return { type: 'context', elements: texts.map((text) => ({ type: 'mrkdwn', text })) };
}
