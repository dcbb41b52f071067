// WebKitGTK under the POSIX "C" locale reports navigator.language as "C", which is not a
// BCP 47 tag: Intl throws on it, and uPlot builds an Intl.NumberFormat from it as soon as it
// is imported, leaving a blank window. main.ts imports this module first, so the language is
// valid before any library reads it.

/** A language tag Intl accepts for `tag` (other spellings made canonical), or en-US when it is
 * not one. */
export function validLanguage(tag: string | undefined): string {
  // The usual tag ("nl-NL") is valid as it stands; asking Intl would load ICU's data before
  // the log form is shown. An old alias such as "iw-IL" passes as it is, which Intl accepts.
  if (tag && /^[a-z]{2,3}(-[A-Z]{2})?$/.test(tag)) return tag;
  try {
    return Intl.getCanonicalLocales(tag ? [tag] : [])[0] ?? 'en-US';
  } catch {
    return 'en-US';
  }
}

const language = validLanguage(navigator.language);
if (language !== navigator.language) {
  const languages = navigator.languages.map(validLanguage);
  Object.defineProperty(navigator, 'language', { value: language, configurable: true });
  Object.defineProperty(navigator, 'languages', { value: Object.freeze(languages), configurable: true });
}
