/* The handbook's search, run by Material's search box as its worker (docs/overrides/main.html
 * names it in place of Material's lunr worker; same messages: SETUP -> READY, QUERY -> RESULT).
 *
 * Why not lunr: it joins the words of a query with OR, so a whole-sentence question ("can I
 * paste customer emails into the chatbot") ranks the pages richest in domain words first. Here a
 * question becomes its content words (stop words dropped, plurals and -ing/-ed folded, "e-mail"
 * and "email" one word), each widened by the organisation's synonyms (_org.yaml:
 * search_synonyms, and a few common ones); an entry scores by BM25 over its title, context
 * and text, times the share of the question it covers (cubed: an entry that answers the whole
 * question beats one that repeats part of it), times its weight (macros/render/search.py),
 * with a bonus for words the question and the entry put side by side. The measure: `make bench`
 * on tests/fixtures/questions/.
 *
 * The entries come from search/handbook.json (written with the site); pages it does not hold
 * (hand-written ones) come from Material's own index, which Material hands over at SETUP.
 * Nothing is fetched from outside the site. All text is escaped here before Material shows it.
 */
"use strict";

const SETUP = 0, READY = 1, QUERY = 2, RESULT = 3;

const STOP = new Set((
  "a about above after again all also am an and any are as at be been before being below but " +
  "by can cannot could did do does doing don dont down during each either else ever for from " +
  "get gets got had has have having he her here hers him his how i if in into is it its itself " +
  "just let me might more most must my myself need needs no nor not now of off on once only or " +
  "other our ours out over own per please same shall she should so some such than that the " +
  "their them then there these they this those through to too under until up upon us very via " +
  "want wants was we were what when where whether which while who whom whose why will with " +
  "would yes yet you your yours okay ok allowed allow allows permitted ai thing things " +
  "something anything everything go goes going went really actually even still like kind sort"
).split(" "));
// "allowed" and "ai" are in nearly every staff question and on nearly every page: they rank
// nothing. "use" is not a stop word: "use" and "using" name the uses.

// Words that mean the same in any organisation's questions; an organisation adds its own
// (_org.yaml: search_synonyms).
const COMMON_SYNONYMS = [
  ["problem", "issue", "incident", "mistake", "error"],
  ["help", "support"],
  ["photo", "picture", "image"],
  ["licence", "license"],
  ["email", "mail"],
  ["enter", "type", "paste", "put", "input", "upload"],
  ["review", "check"],
];

const FIELDS = { title: 2.5, context: 1, text: 1, labels: 0.3 };
const K1 = 1.2, B = 0.6;

/* --- words ------------------------------------------------------------------------------- */

function fold(text) {
  return String(text).normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase()
    .replace(/[\u2018\u2019'`]/g, "");
}

function undouble(word) {
  return /([b-df-hj-km-np-rtv-xz])\1$/.test(word) ? word.slice(0, -1) : word;
}

/* A light English stemmer: plural and verb endings, so "emails", "replies", "drafting",
 * "translated" meet "email", "reply", "draft", "translate". */
function stem(word) {
  let w = word;
  if (w.length <= 3 || /\d/.test(w)) return w;
  if (w.endsWith("ies") && w.length > 4) w = w.slice(0, -3) + "y";
  else if (w.endsWith("sses")) w = w.slice(0, -2);
  else if (/(ch|sh|x|z)es$/.test(w)) w = w.slice(0, -2);
  else if (w.endsWith("s") && !/(ss|us|is)$/.test(w)) w = w.slice(0, -1);
  if (w.length > 5 && w.endsWith("ing")) w = undouble(w.slice(0, -3));
  else if (w.length > 4 && w.endsWith("ed")) w = undouble(w.slice(0, -2));
  if (w.length > 6 && w.endsWith("ation")) w = w.slice(0, -5) + "at";
  else if (w.length > 6 && w.endsWith("er")) w = w.slice(0, -2);  // recorder: record
  if (w.length > 3 && w.endsWith("e")) w = w.slice(0, -1);
  if (w.length > 3 && w.endsWith("y")) w = w.slice(0, -1) + "i";
  if (w.length > 6 && /i[sz]$/.test(w)) w = w.slice(0, -1);  // summarise, summarize: summary
  return w;
}

/* The words of a text as groups: a hyphenated word ("e-mail", "follow-up") is one group of
 * alternatives, joined ("email") and in parts ("e", "mail"). Each group: [[stems]...]. */
function groups(text) {
  const out = [];
  for (const raw of fold(text).split(/[^a-z0-9-]+/)) {
    const parts = raw.split("-").filter(Boolean);
    if (!parts.length) continue;
    const joined = parts.join("");
    const alts = [[stem(joined)]];
    if (parts.length > 1) alts.push(parts.map(stem));
    out.push({ word: raw.replace(/^-+|-+$/g, ""), joined, alts });
  }
  return out;
}

/* Every token of an indexed text, hyphenated words both joined and in parts. */
function tokens(text) {
  const out = [];
  for (const g of groups(text)) {
    out.push(g.alts[0][0]);
    if (g.alts.length > 1) out.push(...g.alts[1]);
  }
  return out;
}

/* --- the index --------------------------------------------------------------------------- */

let entries = [];
const postings = new Map();   // stem -> Map(entry index -> weighted term frequency)
let synonyms = [];            // [[stems of a phrase]...] per group
let averageLength = 1;

function stripHtml(text) {
  return String(text || "").replace(/<[^>]*>/g, " ")
    .replace(/&#(\d+);/g, (_, n) => String.fromCodePoint(+n))
    .replace(/&#x([0-9a-f]+);/gi, (_, n) => String.fromCodePoint(parseInt(n, 16)))
    .replace(/&quot;/g, "\"").replace(/&lt;/g, "<").replace(/&gt;/g, ">")
    .replace(/&nbsp;/g, " ").replace(/&amp;/g, "&").replace(/\s+/g, " ").trim();
}

function build(ours, materialDocs) {
  entries = ours.entries.slice();
  const pages = new Set(entries.map(e => e.location.split("#")[0]));
  const titles = new Map();
  for (const doc of materialDocs || []) {
    const page = doc.location.split("#")[0];
    if (!doc.location.includes("#")) titles.set(page, stripHtml(doc.title));
    if (pages.has(page)) continue;
    entries.push({ location: doc.location, title: stripHtml(doc.title),
                   context: titles.get(page) || "", text: stripHtml(doc.text),
                   boost: doc.boost || 1 });
  }
  let total = 0;
  entries.forEach((entry, i) => {
    let text = entry.text;
    for (const label of entry.labels || []) text = text.split(`${label}: `).join("");
    const fields = { title: tokens(entry.title),
                     context: tokens(`${entry.section || ""} ${entry.context || ""}`),
                     text: tokens(text),
                     labels: tokens((entry.labels || []).join(" ")) };
    entry.stems = fields.text;
    entry.length = fields.title.length + fields.text.length;
    total += entry.length;
    for (const [field, list] of Object.entries(fields))
      for (const t of list) {
        if (!postings.has(t)) postings.set(t, new Map());
        const row = postings.get(t);
        row.set(i, (row.get(i) || 0) + FIELDS[field]);
      }
  });
  averageLength = total / Math.max(entries.length, 1);
  synonyms = [...(ours.synonyms || []), ...COMMON_SYNONYMS].map(group =>
    group.map(phrase => groups(phrase).map(g => g.alts[0][0]).filter(s => !STOP.has(s)))
      .filter(p => p.length));
}

function idf(term) {
  const df = postings.has(term) ? postings.get(term).size : 0;
  return Math.log(1 + (entries.length - df + 0.5) / (df + 0.5));
}

/* --- a query ----------------------------------------------------------------------------- */

/* The concepts of a question: each content word (or synonym phrase found in it) with its
 * alternative spellings and synonyms, each alternative a list of stems. */
function concepts(query) {
  const found = groups(query).filter(g => !STOP.has(g.joined) && !STOP.has(g.alts[0][0]));
  let list = found.map(g => ({ word: g.word, alts: g.alts.map(a => ({ stems: a, weight: 1 })) }));
  // While typing, the last word may be unfinished: let it stand for the words it begins.
  const last = list[list.length - 1];
  if (last && /[a-z0-9]$/i.test(query) && !postings.has(last.alts[0].stems[0])) {
    const prefix = last.alts[0].stems[0];
    if (prefix.length >= 3)
      for (const term of postings.keys())
        if (term.startsWith(prefix)) last.alts.push({ stems: [term], weight: 0.8 });
  }
  for (const group of synonyms)
    for (const phrase of group) {
      const at = indexOfPhrase(list, phrase);
      if (at < 0) continue;
      const merged = { word: list.slice(at, at + phrase.length).map(c => c.word).join(" "),
                       alts: [] };
      for (const c of list.slice(at, at + phrase.length))
        if (phrase.length === 1) merged.alts.push(...c.alts);
      if (phrase.length > 1) merged.alts.push({ stems: phrase, weight: 1 });
      for (const other of group)
        if (other !== phrase) merged.alts.push({ stems: other, weight: 0.9 });
      list = [...list.slice(0, at), merged, ...list.slice(at + phrase.length)];
      break;
    }
  return list;
}

function indexOfPhrase(list, phrase) {
  for (let i = 0; i + phrase.length <= list.length; i++)
    if (phrase.every((s, k) => list[i + k].alts.some(a => a.stems.length === 1 &&
                                                          a.stems[0] === s)))
      return i;
  return -1;
}

function termScore(term, i) {
  const row = postings.get(term);
  const tf = row ? row.get(i) || 0 : 0;
  if (!tf) return 0;
  const norm = 1 - B + B * entries[i].length / averageLength;
  return idf(term) * tf * (K1 + 1) / (tf + K1 * norm);
}

function altScore(alt, i) {
  let sum = 0;
  for (const t of alt.stems) {
    const s = termScore(t, i);
    if (!s) return 0;  // a phrase counts only whole
    sum += s;
  }
  return alt.weight * sum / alt.stems.length;
}

function adjacent(stems, a, b) {
  for (let k = 0; k + 1 < stems.length; k++)
    if (a.includes(stems[k]) && (b.includes(stems[k + 1]) ||
                                 (k + 2 < stems.length && b.includes(stems[k + 2]))))
      return true;
  return false;
}

function rank(query) {
  const list = concepts(query);
  if (!list.length) return { list, ranked: [] };
  const weights = list.map(c => Math.max(...c.alts.map(a => Math.min(...a.stems.map(idf)))));
  const whole = weights.reduce((x, y) => x + y, 0);
  const candidates = new Set();
  for (const c of list)
    for (const a of c.alts)
      for (const t of a.stems)
        if (postings.has(t)) for (const i of postings.get(t).keys()) candidates.add(i);
  const ranked = [];
  for (const i of candidates) {
    let score = 0, covered = 0;
    const matched = list.map((c, k) => {
      const best = Math.max(...c.alts.map(a => altScore(a, i)));
      if (best > 0) { score += best; covered += weights[k]; }
      return best > 0;
    });
    if (!score) continue;
    let pairs = 0;
    for (let k = 0; k + 1 < list.length; k++)
      if (matched[k] && matched[k + 1] &&
          adjacent(entries[i].stems, list[k].alts.flatMap(a => a.stems),
                   list[k + 1].alts.flatMap(a => a.stems)))
        pairs++;
    const coverage = covered / whole;
    ranked.push({ i, matched,
                  score: score * coverage ** 3 * (1 + 0.2 * pairs) * (entries[i].boost || 1) });
  }
  ranked.sort((a, b) => b.score - a.score || a.i - b.i);
  // Pages built from one template say the same under another name (the front doors of teams
  // with no plan): after the first, such an entry steps back.
  const seen = new Set();
  for (const hit of ranked) {
    const { title, text } = entries[hit.i];
    const shape = title ? text.split(title).join("") : text;
    if (seen.has(shape)) hit.score /= 2;
    seen.add(shape);
  }
  ranked.sort((a, b) => b.score - a.score || a.i - b.i);
  return { list, ranked: ranked.slice(0, 40) };
}

/* --- what Material shows ----------------------------------------------------------------- */

function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, c => `&#${c.charCodeAt(0)};`);
}

/* Text escaped, with the words the question matched marked, cut to a window around them. */
function marked(text, matchedStems, limit) {
  const pieces = String(text).split(/([^\p{L}\p{N}'\u2019-]+)/u);
  let first = -1;
  const out = pieces.map((piece, k) => {
    const hit = k % 2 === 0 && piece && tokens(piece).some(t => matchedStems.has(t));
    if (hit && first < 0) first = k;
    return hit ? `<mark>${escapeHtml(piece)}</mark>` : escapeHtml(piece);
  });
  if (!limit || pieces.length <= limit) return out.join("");
  const start = Math.max(0, Math.min(first - 10, pieces.length - limit));
  return (start > 0 ? "… " : "") + out.slice(start, start + limit).join("") +
    (start + limit < pieces.length ? " …" : "");
}

function result(query) {
  const { list, ranked } = rank(query);
  const groupsByPage = new Map();
  for (const hit of ranked) {
    const entry = entries[hit.i];
    const page = entry.location.split("#")[0];
    const stems = new Set(), terms = {};
    list.forEach((c, k) => {
      terms[c.word] = hit.matched[k];  // Material lists the words an entry lacks
      if (hit.matched[k]) c.alts.forEach(a => a.stems.forEach(s => stems.add(s)));
    });
    if (!groupsByPage.has(page)) groupsByPage.set(page, []);
    const group = groupsByPage.get(page);
    // Material shows a page's sections scoring as high as its best one; the rest fold away.
    const shown = group.length && hit.score >= group[0].score / 2 ? group[0].score : hit.score;
    group.push({ location: entry.location, score: shown, terms,
                 title: marked(entry.title, stems, 0), text: marked(entry.text, stems, 60) });
  }
  const items = [];
  for (const [page, group] of groupsByPage) {
    if (!group.some(item => item.location === page)) {
      const article = entries.find(e => e.location === page);
      group.push({ location: page, score: 0, terms: {},
                   title: escapeHtml(article ? article.title : group[0].location), text: "" });
    }
    items.push(group);
  }
  return { items, ranked: ranked.map(hit => entries[hit.i].location) };
}

/* --- messages ---------------------------------------------------------------------------- */

async function setup(data) {
  let ours = { entries: [], synonyms: [] };
  try {
    const answer = await fetch(new URL("../search/handbook.json", self.location.href));
    if (answer.ok) ours = await answer.json();
  } catch (error) {
    // Without the handbook's entries (a site built by another engine), search Material's.
  }
  build(ours, data && data.docs);
}

let ready = null;

addEventListener("message", async event => {
  const message = event.data;
  if (message.type === SETUP) {
    ready = setup(message.data);
    await ready;
    postMessage({ type: READY });
  } else if (message.type === QUERY) {
    await ready;
    postMessage({ type: RESULT, data: result(message.data) });
  }
});
