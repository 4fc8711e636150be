// Searcharr's codes in plain words: reason codes of decisions, pause
// reasons, run statuses and triggers, and run errors.

/** What each decision reason code means, as a sentence. */
export const reasonSentences = {
  searched: 'Searched: the strategy picked it and the policy let it through.',
  cooldown: 'Skipped: it was searched recently and is resting until its cooldown ends.',
  excluded: 'Skipped: you excluded it (or its series) from every search.',
  queued: 'Skipped: it is already in the download queue.',
  grabbed: 'Skipped: a release was grabbed since its last search.',
  unmonitored: 'Skipped: it is not monitored in Sonarr/Radarr.',
  not_available: 'Skipped: it is not available yet (not released or below its minimum availability).',
  future: 'Skipped: it has not aired yet.',
  filtered: "Skipped: the strategy's filters left it out.",
  over_budget: "Skipped: the run's budget of items or indexer searches was used up before it.",
  duplicate: 'Skipped: a better search in the same run already covers it.',
  has_file: 'Skipped: it already has a file that meets the cutoff.',
};

/** A short label of each reason code, for badges and summaries. */
export const reasonLabels = {
  searched: 'Searched',
  cooldown: 'Cooling down',
  excluded: 'Excluded',
  queued: 'In download queue',
  grabbed: 'Grabbed since last search',
  unmonitored: 'Not monitored',
  not_available: 'Not available yet',
  future: 'Not aired yet',
  filtered: 'Filtered out',
  over_budget: 'Over the run budget',
  duplicate: 'Duplicate',
  has_file: 'Has a file',
};

/** The sentence of a reason code (the code itself when unknown). */
export function reasonSentence(code) {
  return reasonSentences[code] || `Reason: ${code || 'none given'}.`;
}

/** Why an instance's searches are held back. */
export const pauseWords = {
  paused: 'Paused',
  breaker_open: 'Failing: waiting before trying again',
  queue_full: 'Download queue full',
  cap_reached: 'Indexer limit reached',
};

export function pauseText(reasons, message) {
  const words = (reasons || []).map((r) => pauseWords[r] || r);
  if (message) words.push(message);
  return words.join(' · ');
}

/** Run statuses: label and badge kind. */
export const statusWords = {
  pending: ['Waiting', 'info'],
  running: ['Running', 'info'],
  succeeded: ['Succeeded', 'ok'],
  failed: ['Failed', 'error'],
};

export const triggerWords = { schedule: 'Schedule', webhook: 'Webhook', api: 'Started by hand' };

export const strategyWords = { missing: 'Missing', cutoff: 'Cutoff unmet', recent: 'Recent releases', custom: 'Custom' };

/** A strategy's name for people. */
export function strategyName(s) { return strategyWords[s] || s; }

// Patterns of run errors, first match wins: [test, plain sentence].
const errorPatterns = [
  [/^interrupted/i, 'Searcharr stopped while the run was going; it was closed at the next start.'],
  [/already running/i, 'Another run of this queue was still going, so this one did not start.'],
  [/queue no longer exists/i, 'The queue was deleted before the run could start.'],
  [/all \d+ commands failed/i, 'Every search this run sent failed at Sonarr/Radarr.'],
  [/hung during|no answer within/i, 'The strategy plugin stopped answering; it was restarted.'],
  [/crashed during/i, 'The strategy plugin crashed; it was restarted.'],
  [/does not plan for/i, 'This strategy does not work with this kind of instance.'],
  [/plugin .*(not found|unknown)|unknown strategy/i, 'The strategy plugin of this queue is not installed.'],
  [/\b401\b|unauthori[sz]ed|api key (refused|rejected)|forbidden|\b403\b/i, 'Sonarr/Radarr refused the API key: check it on the instance page.'],
  [/connection refused|no such host|dial tcp|unreachable|network is unreachable/i, 'Sonarr/Radarr could not be reached: check that it is running and that the URL is right.'],
  [/timeout|timed out|deadline exceeded/i, 'Sonarr/Radarr took too long to answer.'],
  [/\b5\d\d\b|internal server error|bad gateway|service unavailable/i, 'Sonarr/Radarr answered with an error of its own.'],
  [/config|invalid|validat/i, "The queue's settings were refused: open the queue and check them."],
];

/** A run error in plain words; empty when there is none. */
export function errorInWords(msg) {
  if (!msg) return '';
  for (const [re, text] of errorPatterns) if (re.test(msg)) return text;
  return 'The run failed; the message below says why.';
}

/** "1:05" / "2 h 3 min" from seconds. */
export function duration(seconds) {
  if (!seconds || seconds < 0) return '—';
  if (seconds < 60) return `${seconds < 10 ? seconds.toFixed(1) : Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  if (m < 60) return `${m} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(m / 60)} h ${m % 60} min`;
}

/** A date and time in the reader's locale, "2026-12-02 14:03" style. */
export function dateTime(t) {
  if (!t) return '';
  const d = new Date(t);
  if (isNaN(d)) return '';
  const p = (n) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())} ${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** A count with its noun, singular or plural. */
export function plural(n, one, many = one + 's') { return `${n} ${n === 1 ? one : many}`; }
