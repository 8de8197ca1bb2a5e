/** Formatting for pages and the PDF: money from minor units, shares, dates. */

const minorDigitsCache = new Map<string, number>();

/** Number of minor-unit digits of an ISO 4217 currency (2 for EUR, 0 for JPY). */
export function minorDigits(currency: string): number {
  let d = minorDigitsCache.get(currency);
  if (d === undefined) {
    try {
      d = new Intl.NumberFormat("en", { style: "currency", currency }).resolvedOptions().maximumFractionDigits ?? 2;
    } catch {
      d = 2;
    }
    minorDigitsCache.set(currency, d);
  }
  return d;
}

// Building an Intl.NumberFormat costs far more than using one: keep one per currency and style.
const formatters = new Map<string, Intl.NumberFormat>();
function formatter(key: string, make: () => Intl.NumberFormat): Intl.NumberFormat {
  let f = formatters.get(key);
  if (!f) formatters.set(key, (f = make()));
  return f;
}

/** Formats integer minor units as money, e.g. 1234500 EUR → "€12,345". Whole units unless cents are asked for. */
export function money(minor: number, currency: string, opts: { cents?: boolean } = {}): string {
  const digits = minorDigits(currency);
  const shown = opts.cents ? digits : 0;
  return formatter(
    `${currency}:${shown}`,
    () =>
      new Intl.NumberFormat("en-GB", {
        style: "currency",
        currency,
        minimumFractionDigits: shown,
        maximumFractionDigits: shown,
      }),
  ).format(minor / 10 ** digits);
}

/** Compact money for charts and tight tables: €1.2m, €350k. */
export function moneyShort(minor: number, currency: string): string {
  return formatter(
    `${currency}:short`,
    () =>
      new Intl.NumberFormat("en-GB", { style: "currency", currency, notation: "compact", maximumFractionDigits: 1 }),
  ).format(minor / 10 ** minorDigits(currency));
}

/** The largest amount accepted anywhere, in minor units (ten billion euros, or yen to match): beyond any real quote, and small enough that every figure the model forms stays exact. */
export const MAX_MINOR = 1_000_000_000_000;

/**
 * Parses an amount typed by a person into integer minor units, exactly: the decimal text is read as
 * digits, never through a binary fraction (so 1.005 is not 100.4999…). Thousands separators (comma,
 * space, apostrophe) and a leading currency sign are ignored; a decimal point is a dot. More decimals
 * than the currency has are refused rather than rounded.
 */
export function parseAmount(
  text: string,
  currency: string,
): { ok: true; minor: number } | { ok: false; error: string } {
  const clean = text
    .trim()
    .replace(/[\s,'’\u00a0\u202f]/g, "")
    .replace(/^[^\d.-]+/, "");
  const m = /^(\d{1,16})(?:\.(\d+))?$/.exec(clean);
  if (!m) return { ok: false, error: "Enter an amount as a number, e.g. 125000 or 125,000.50" };
  const digits = minorDigits(currency);
  const fraction = m[2] ?? "";
  if (fraction.length > digits && /[1-9]/.test(fraction.slice(digits)))
    return {
      ok: false,
      error:
        digits === 0 ? `${currency} amounts have no decimals` : `${currency} amounts have at most ${digits} decimals`,
    };
  const minor = Number(m[1]) * 10 ** digits + Number((fraction + "0".repeat(digits)).slice(0, digits) || "0");
  if (minor > MAX_MINOR) return { ok: false, error: `Enter at most ${money(MAX_MINOR, currency)}` };
  return { ok: true, minor };
}

/** Money rounded to thousands for figures that rest on judgement: €1,027k. */
export function moneyThousands(minor: number, currency: string): string {
  const major = minor / 10 ** minorDigits(currency);
  if (Math.abs(major) < 10_000) return money(minor, currency);
  return (
    formatter(
      `${currency}:k`,
      () =>
        new Intl.NumberFormat("en-GB", {
          style: "currency",
          currency,
          maximumFractionDigits: 0,
          minimumFractionDigits: 0,
        }),
    ).format(Math.round(major / 1000)) + "k"
  );
}

/** Converts integer minor units to a decimal amount for a form field. */
export function fromMinor(minor: number, currency: string): number {
  return minor / 10 ** minorDigits(currency);
}

/**
 * A progress bar's width class step (0, 5, … 100): required questions answered, in steps of 5%
 * (portal.js sets it the same way after a save).
 * @public read by the views as format.progressStep
 */
export function progressStep(p: { answered: number; required: number }): number {
  return p.required ? Math.round((20 * p.answered) / p.required) * 5 : 100;
}

/** A share as a percentage: 0.257 → "25.7%". */
export function percent(share: number, digits = 1): string {
  return `${(share * 100).toFixed(digits)}%`;
}

const DATE = new Intl.DateTimeFormat("en-GB", { day: "numeric", month: "short", year: "numeric", timeZone: "UTC" });

/** An ISO date or timestamp as "12 Mar 2027". */
export function date(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso.length === 10 ? `${iso}T00:00:00Z` : iso);
  if (Number.isNaN(d.getTime())) return iso;
  return DATE.format(d);
}

/** An ISO timestamp as "12 Mar 2027, 14:05 UTC". */
export function dateTime(iso: string | null | undefined): string {
  if (!iso) return "—";
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return iso;
  return `${date(iso)}, ${d.toISOString().slice(11, 16)} UTC`;
}
