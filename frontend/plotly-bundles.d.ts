/** The partial Plotly bundles ship no types of their own: they are plotly.js's API (@types/plotly.js). */
declare module 'plotly.js-cartesian-dist-min' {
  import * as Plotly from 'plotly.js';
  export default Plotly;
}
declare module 'plotly.js-gl3d-dist-min' {
  import * as Plotly from 'plotly.js';
  export default Plotly;
}
