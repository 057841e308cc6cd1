export { UserError, userError } from '../util/errors.js';
