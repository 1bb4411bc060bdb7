// opencc-js ships its dictionaries as ES modules (`export default "a b|c d"`) without types.
declare module "opencc-js/dict/*" {
  const dictionary: string;
  export default dictionary;
}
