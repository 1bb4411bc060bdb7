/**
 * Stands in for @pdf-lib/standard-fonts (the metrics of the 14 standard PDF fonts, about 130 KB of
 * JavaScript) in the Lambda bundles (infra/constructs/function-bundle.ts aliases it): the gazette
 * embeds its own OpenType fonts (fonts/*.otf) and never calls `embedStandardFont` nor fills forms,
 * the only pdf-lib paths that read the metrics. pdf-lib lists the font names when it loads, so the
 * names stay; reading a font or an encoding throws.
 */
function unsupported(): never {
  throw new Error("The 14 standard PDF fonts are not in this bundle: embed an OpenType font from fonts/");
}

export const FontNames = {
  Courier: "Courier",
  CourierBold: "Courier-Bold",
  CourierOblique: "Courier-Oblique",
  CourierBoldOblique: "Courier-BoldOblique",
  Helvetica: "Helvetica",
  HelveticaBold: "Helvetica-Bold",
  HelveticaOblique: "Helvetica-Oblique",
  HelveticaBoldOblique: "Helvetica-BoldOblique",
  TimesRoman: "Times-Roman",
  TimesRomanBold: "Times-Bold",
  TimesRomanItalic: "Times-Italic",
  TimesRomanBoldItalic: "Times-BoldItalic",
  Symbol: "Symbol",
  ZapfDingbats: "ZapfDingbats",
} as const;

export const Encodings = {
  get Symbol(): never {
    return unsupported();
  },
  get ZapfDingbats(): never {
    return unsupported();
  },
  get WinAnsi(): never {
    return unsupported();
  },
};

export const Font = { load: unsupported };
