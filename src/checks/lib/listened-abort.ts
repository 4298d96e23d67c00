/**
 * ListenedAbort is an AbortController that knows whether anything still listens for its abort.
 * Two owners decide on that once per check: runCheck tells a finished check's signal "finished"
 * only when a listener is left (an abort builds an Event and reads the clock, a syscall in the
 * kernel lab, for nobody), and the scheduler takes a controller back for reuse only while it is clean
 * (one controller per check is garbage at 10,000 checks/s). The signal's own add/remove methods
 * keep the set, so the answer is one size read instead of a copy of Node's listener list.
 */

type Listener = Parameters<EventTarget['addEventListener']>[1];
type AddOptions = Parameters<EventTarget['addEventListener']>[2];

const ADD = EventTarget.prototype.addEventListener;
const REMOVE = EventTarget.prototype.removeEventListener;

/** The fields a tracked signal carries: the abort listeners registered and not removed. */
interface Tracked extends AbortSignal {
  listening?: Set<Listener>;
}

// Shared methods (no closure per signal): every tracked signal gets the same two functions.
function add(this: Tracked, type: string, listener: Listener, options?: AddOptions): void {
  if (type === 'abort' && listener) (this.listening ??= new Set()).add(listener);
  ADD.call(this, type, listener, options);
}
function remove(this: Tracked, type: string, listener: Listener, options?: boolean | EventListenerOptions): void {
  if (type === 'abort' && listener) this.listening?.delete(listener);
  REMOVE.call(this, type, listener, options);
}

export class ListenedAbort extends AbortController {
  constructor() {
    super();
    const s = this.signal as Tracked;
    s.addEventListener = add;
    s.removeEventListener = remove;
  }

  /** listened: a listener added to the signal for 'abort' has not been removed. */
  get listened(): boolean {
    return ((this.signal as Tracked).listening?.size ?? 0) > 0;
  }
}
