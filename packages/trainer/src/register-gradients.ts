// tfjs-core's CommonJS build (what Node loads) registers almost no gradient functions; the
// training step needs the gradients of every op a model may use. This is the package's only
// module with a side effect, so package.json `sideEffects` names the built file that holds it.
import '@tensorflow/tfjs-core/dist/register_all_gradients.js';
