export { fromSquareError, squareErrors } from './errors.js';
export {
  type SquareCredentialsInput,
  type SquareOptions,
  type SquarePublicData,
  type SquareSecret,
  square,
  squareCredentialsSchema,
  squareFromEnv,
} from './square.js';
