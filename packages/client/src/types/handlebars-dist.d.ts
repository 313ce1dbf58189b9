// Dotprompt loads Handlebars from its CommonJS bundle; we load the same file so the module is
// evaluated once per process, and borrow the package's own types for it.
declare module 'handlebars/dist/cjs/handlebars.js' {
  import Handlebars from 'handlebars';
  export default Handlebars;
}
