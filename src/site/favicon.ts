/**
 * The site's icon (/favicon.svg, linked from every page; /favicon.ico redirects to it): a red
 * page with the red-header rule and text lines of a 红头文件, drawn with shapes only so it needs
 * no font on the reader's machine.
 */
export const FAVICON_PATH = "favicon.svg";

export const FAVICON_SVG = `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 32 32">
<rect x="4" y="1" width="24" height="30" rx="2" fill="#fff" stroke="#b3121b" stroke-width="2"/>
<rect x="8" y="5" width="16" height="4" fill="#b3121b"/>
<rect x="7" y="11" width="18" height="1.5" fill="#b3121b"/>
<rect x="8" y="16" width="16" height="2" fill="#1a1a1a"/>
<rect x="8" y="21" width="16" height="2" fill="#1a1a1a"/>
<rect x="8" y="26" width="10" height="2" fill="#1a1a1a"/>
</svg>
`;
