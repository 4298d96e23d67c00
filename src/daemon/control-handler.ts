/** The daemon's answers on the control socket: the director's health view, drain and enable. */
import type { Director } from '../director/index.js';
import { ControlError } from '../util/errors.js';
import type { ControlHandler } from './control.js';

/** controlHandler answers over whatever director is running (none during start and stop). */
export function controlHandler(director: () => Director | undefined): ControlHandler {
  return async (req) => {
    const d = director();
    if (!d) throw new ControlError('LD_ERR_CONTROL', 'the daemon is starting or stopping');
    switch (req.cmd) {
      case 'show': return { health: d.health() };
      case 'drain': return { matched: await d.drain(req.real, req.reason) };
      case 'enable': return { matched: await d.enable(req.real) };
    }
  };
}
