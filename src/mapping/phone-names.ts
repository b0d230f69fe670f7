/**
 * What a column's name (or a number's label: Google's "Phone 1 - Type" cell, QuickBooks' "Mobile:") says about
 * the number in it. Names are read as words, so the names products give their columns are known without a list
 * of each: `Mobile Phone`, `MobilePhone`, `Person - Phone - Mobile`, `Mobiltelefon`, `Tel. dienstlich`,
 * `Téléphone bureau`, `Teléfono móvil`, `Phone 1 - Value`.
 *
 * A rank orders the numbers of one person, lowest first: an outbound call should reach a mobile before a desk.
 */
export type PhoneRank = 0 | 1 | 2 | 3;

export const MOBILE: PhoneRank = 0;
/** A main number, or one whose name says nothing more than "phone". */
export const MAIN: PhoneRank = 1;
/** The person's own work or home line. */
export const WORK_OR_HOME: PhoneRank = 2;
/** Someone else's line (an assistant, the company's switchboard), a car, "other". */
export const OTHER: PhoneRank = 3;

/** Words that make a number a mobile, as a word or the start of one (`mobiltelefon`, `cellphone`, `handynummer`). */
const MOBILE_STARTS = [
  'mobil', // en mobile, de mobil/Mobiltelefon, sv/da/no mobil, fr mobile
  'mobiel', // nl
  'handy', // de
  'cell', // en cell/cellular/cellphone, it cellulare
  'celular', // es, pt
  'movil', // es móvil
  'movel', // pt móvel
  'telemovel', // pt-PT telemóvel
  'portable', // fr
  'gsm', // be, nl, fr
  'natel', // ch
  'komork', // pl komórkowy
  'matkapuhelin', // fi
  'sms', // a number that takes texts is a mobile (Mailchimp's "SMS Phone Number")
  'whatsapp',
];

/** Words that name a phone, contained in a word (`telephone`, `haupttelefon`, `smartphone`) or alone (`tel`). */
const PHONE_PARTS = ['phone', 'telefon', 'telefoon', 'telephon', 'puhelin'];
const PHONE_WORDS = new Set(['tel', 'telnr', 'telno', 'tlf', 'tfn']);

/**
 * Words that make a column something other than a number to dial, whatever else its name says: a fax or pager,
 * the type or label beside a number, an extension, a country code, or a flag about calling (`Do not allow Phone
 * Calls`, `Phone Number Verified`, `Marketing consent phone`).
 */
const NOT_A_NUMBER = new Set([
  ...['fax', 'telefax', 'telecopie', 'pager', 'beeper', 'telex', 'isdn', 'tty', 'tdd', 'teletype'],
  ...['texttelefon', 'horbehinderte'], // de: Outlook's TTY/TDD phone
  ...['type', 'typ', 'label', 'kind', 'category', 'ext', 'extension', 'durchwahl', 'code', 'prefix'],
  ...['status', 'verified', 'valid', 'validated', 'consent', 'opt', 'optin', 'optout', 'opted', 'dnc'],
  ...['call', 'calls', 'allow', 'carrier', 'provider', 'format', 'link', 'url', 'flag', 'count'],
  'phonetic', // Google's "Phonetic First Name"
]);

const WORK_OR_HOME_WORDS = new Set([
  ...['work', 'business', 'office', 'direct', 'desk', 'home', 'private', 'personal', 'landline'],
  ...['dienstlich', 'geschaftlich', 'beruflich', 'buro', 'dienst', 'privat', 'festnetz'], // de
  ...['bureau', 'travail', 'professionnel', 'domicile', 'maison', 'prive', 'fixe'], // fr
  ...['trabajo', 'oficina', 'particular', 'casa', 'fijo'], // es
  ...['lavoro', 'ufficio', 'abitazione'], // it
  ...['trabalho', 'comercial', 'residencial'], // pt
  ...['werk', 'zakelijk', 'kantoor', 'thuis', 'prive', 'persoonlijk'], // nl
  ...['arbete', 'arbets', 'arbejde', 'jobb', 'hem', 'hjem'], // sv, da, no
  ...['sluzbowy', 'domowy'], // pl
]);

const OTHER_WORDS = new Set([
  ...['other', 'alternate', 'alternative', 'alt', 'additional', 'second', 'secondary', 'backup'],
  ...[
    'car',
    'auto',
    'radio',
    'callback',
    'emergency',
    'assistant',
    'assistants',
    'asst',
    'spouse',
    'partner',
  ],
  ...['company', 'organization', 'organisation', 'org', 'account', 'switchboard', 'reception'],
  ...['weiteres', 'weitere', 'andere', 'anderes', 'assistent', 'firma', 'firmen', 'zentrale', 'notfall'], // de
  ...['autre', 'voiture', 'assistante', 'entreprise', 'societe'], // fr
  ...['otro', 'coche', 'empresa', 'asistente'], // es
  ...['altro', 'assistente', 'azienda', 'societa'], // it
  ...['outro', 'carro'], // pt
  ...['overig', 'andere', 'bedrijf'], // nl
  ...['annan', 'andet', 'annet'], // sv, da, no
]);

/** The words of a name: accents and case dropped, `camelCase` and compounds (`Haupttelefon`) split. */
export function nameWords(name: string): string[] {
  const words = name
    .replace(/(\p{Ll})(\p{Lu})/gu, '$1 $2')
    .normalize('NFD')
    .replace(/[\u0300-\u036f]/g, '')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((word) => word !== '');
  // "haupttelefon" → also "haupt"; "homephone" (an all-capitals HOMEPHONE) → also "home".
  for (const word of [...words]) {
    for (const part of PHONE_PARTS) {
      const at = word.indexOf(part);
      if (at > 0) words.push(word.slice(0, at));
    }
  }
  return words;
}

function isMobileWord(word: string): boolean {
  return MOBILE_STARTS.some((start) => word.startsWith(start));
}

function isPhoneWord(word: string): boolean {
  return PHONE_WORDS.has(word) || isMobileWord(word) || PHONE_PARTS.some((part) => word.includes(part));
}

/** The rank the words give, or undefined when they name a fax, a pager or anything not to dial. */
function rankOf(words: readonly string[]): PhoneRank | undefined {
  if (words.some((word) => NOT_A_NUMBER.has(word))) return undefined;
  if (words.some(isMobileWord)) return MOBILE;
  if (words.some((word) => OTHER_WORDS.has(word))) return OTHER;
  if (words.some((word) => WORK_OR_HOME_WORDS.has(word))) return WORK_OR_HOME;
  return MAIN;
}

/**
 * The rank of a column named like a phone (`Mobile Phone` → MOBILE, `Company Main Phone` → OTHER), or
 * undefined when the name is no phone's or names something not to dial (`Business Fax`, `Phone 1 - Type`).
 */
export function phoneColumnRank(name: string): PhoneRank | undefined {
  const words = nameWords(name);
  if (!words.some(isPhoneWord)) return undefined;
  return rankOf(words);
}

/**
 * The rank a number's label gives it (`Mobile`, `* Work`, `Home Fax`, `Phone`), or undefined for a fax or pager.
 * A label need not say "phone": it labels a number already.
 */
export function labelRank(label: string): PhoneRank | undefined {
  return rankOf(nameWords(label));
}
