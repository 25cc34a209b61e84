// The launch code is shared with scripts/bench-browser.mjs, which runs without a TS loader.
export {
  CHROMIUM_ARGS,
  CHROMIUM_PATH,
  type LaunchedChromium,
  launchChromium,
} from '../../scripts/chromium.mjs';
