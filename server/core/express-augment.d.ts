/// <reference types="passport" />
import type { Actor } from './actor';

declare global {
  namespace Express {
    // Passport's `req.user` is the acting person as services see them.
    interface User extends Actor {}
  }
}
