// Trains the workload of TrainingConfig::bench() (src/engine/session.rs) with TensorFlow.js and
// writes the speed into <body data-*> attributes, which tests/tfjs_reference.rs reads.
//
// Each step draws two random-normal 256×64 batches as the two views. It runs the encoder
// (64→256→256, ReLU after each layer) and the expander (256→256 with ReLU, then →256 linear) on
// both, and computes the VICReg loss in the convention of the authors' PyTorch code, as
// src/engine/loss.rs does. Then it applies one Adam update and reads the loss back.
// NOTE: the views are random, not augmented digits, so the losses here are not comparable with
// the engine's losses. Only the amount of work per step matches.
'use strict';

const BATCH_SIZE = 256;
const INPUT_DIM = 64;
const ENCODER_WIDTHS = [256, 256];
const EXPANDER_WIDTHS = [256, 256];

// Loss weights λ, μ, ν, the variance target γ and ε, as in VicregLossConfig's defaults.
const INVARIANCE_WEIGHT = 25;
const VARIANCE_WEIGHT = 25;
const COVARIANCE_WEIGHT = 1;
const GAMMA = 1;
const VARIANCE_EPSILON = 1e-4;

// Burn 0.22's AdamConfig defaults, which the engine uses, with the engine's learning rate.
const LEARNING_RATE = 1e-3;
const ADAM_BETA1 = 0.9;
const ADAM_BETA2 = 0.999;
const ADAM_EPSILON = 1e-5;

const DEFAULT_STEPS = 20;
const BACKENDS = ['wasm', 'cpu', 'webgl'];

// Seeds of the weights and of the views, so that every run trains on the same numbers.
const ENCODER_SEED = 1;
const EXPANDER_SEED = 101;
const VIEW_SEED = 1000;

/** Parses `?backend=` and `?steps=`, throwing on a value the benchmark cannot run. */
function parseQuery(search) {
  const params = new URLSearchParams(search);
  const backend = params.get('backend') ?? 'wasm';
  if (!BACKENDS.includes(backend)) {
    throw new Error(`invalid backend \`${backend}\`: use one of ${BACKENDS.join(', ')}`);
  }
  const stepsText = params.get('steps') ?? String(DEFAULT_STEPS);
  const steps = Number(stepsText);
  if (!Number.isInteger(steps) || steps < 1) {
    throw new Error(`invalid steps \`${stepsText}\`: use a whole number of at least 1`);
  }
  return { backend, steps };
}

/**
 * Creates the layers of an MLP with weights and biases uniform in ±1/sqrt(fan_in), the PyTorch
 * nn.Linear scheme that src/engine/model.rs uses. Weights have shape [fan_in, fan_out].
 */
function createMlp(inputDim, widths, reluOutput, seed) {
  const layers = [];
  let fanIn = inputDim;
  widths.forEach((fanOut, index) => {
    const bound = 1 / Math.sqrt(fanIn);
    const layerSeed = seed + 2 * index;
    layers.push({
      weight: tf.variable(tf.randomUniform([fanIn, fanOut], -bound, bound, 'float32', layerSeed)),
      bias: tf.variable(tf.randomUniform([fanOut], -bound, bound, 'float32', layerSeed + 1)),
    });
    fanIn = fanOut;
  });
  return { layers, reluOutput };
}

/**
 * Applies each layer with a ReLU between layers, and after the last one when `reluOutput` is set.
 * tf.layers.dense in tfjs-layers 4.22 runs tf.fused.matMul for these activations as well.
 */
function forwardMlp(mlp, input) {
  const last = mlp.layers.length - 1;
  let x = input;
  mlp.layers.forEach((layer, index) => {
    const activation = index < last || mlp.reluOutput ? 'relu' : 'linear';
    x = tf.fused.matMul({ a: x, b: layer.weight, bias: layer.bias, activation });
  });
  return x;
}

/** Creates the encoder (ReLU on its output too) and the expander (linear output). */
function createModel() {
  const encoder = createMlp(INPUT_DIM, ENCODER_WIDTHS, true, ENCODER_SEED);
  const representationDim = ENCODER_WIDTHS[ENCODER_WIDTHS.length - 1];
  const expander = createMlp(representationDim, EXPANDER_WIDTHS, false, EXPANDER_SEED);
  const layers = [...encoder.layers, ...expander.layers];
  const variables = layers.flatMap((layer) => [layer.weight, layer.bias]);
  return { encoder, expander, variables };
}

/** Computes the embeddings of a batch of shape [BATCH_SIZE, INPUT_DIM]. */
function embed(model, input) {
  return forwardMlp(model.expander, forwardMlp(model.encoder, input));
}

/**
 * Computes the variance hinge v(Z) = mean_j relu(γ − sqrt(Var(z_j) + ε)) with the unbiased
 * variance, and the covariance term c(Z) = Σ_{i≠j} C_ij² / d with C the (n − 1)-normalised
 * covariance. Like src/engine/loss.rs, the off-diagonal sum is the sum of all squared entries
 * minus the squared variances on the diagonal.
 */
function varianceAndCovariance(z) {
  const [batchSize, dim] = z.shape;
  const centred = tf.sub(z, tf.mean(z, 0));
  const unbiasedVariance = tf.div(tf.sum(tf.square(centred), 0), batchSize - 1);
  const std = tf.sqrt(tf.add(unbiasedVariance, VARIANCE_EPSILON));
  const variance = tf.mean(tf.relu(tf.sub(GAMMA, std)));

  const covarianceMatrix = tf.div(tf.matMul(centred, centred, true, false), batchSize - 1);
  const squaredSum = tf.sum(tf.square(covarianceMatrix));
  const offDiagonal = tf.sub(squaredSum, tf.sum(tf.square(unbiasedVariance)));
  const covariance = tf.div(offDiagonal, dim);
  return { variance, covariance };
}

/**
 * Computes λ·s + μ·[v(Z) + v(Z')]/2 + ν·[c(Z) + c(Z')], where the invariance s is the mean
 * squared difference over all n·d elements (the convention of the authors' PyTorch code).
 */
function vicregLoss(embeddingA, embeddingB) {
  const invariance = tf.mean(tf.squaredDifference(embeddingA, embeddingB));
  const termsA = varianceAndCovariance(embeddingA);
  const termsB = varianceAndCovariance(embeddingB);
  const variance = tf.add(termsA.variance, termsB.variance);
  const covariance = tf.add(termsA.covariance, termsB.covariance);
  return tf.addN([
    tf.mul(invariance, INVARIANCE_WEIGHT),
    tf.mul(variance, VARIANCE_WEIGHT / 2),
    tf.mul(covariance, COVARIANCE_WEIGHT),
  ]);
}

/**
 * Runs one training step on two fresh random-normal views and returns the loss, read back from
 * the backend. optimizer.minimize disposes every intermediate tensor, the views included.
 */
async function trainStep(model, optimizer, stepIndex) {
  const seed = VIEW_SEED + 2 * stepIndex;
  const loss = optimizer.minimize(
    () => {
      const viewA = tf.randomNormal([BATCH_SIZE, INPUT_DIM], 0, 1, 'float32', seed);
      const viewB = tf.randomNormal([BATCH_SIZE, INPUT_DIM], 0, 1, 'float32', seed + 1);
      return vicregLoss(embed(model, viewA), embed(model, viewB));
    },
    true,
    model.variables,
  );
  const [value] = await loss.data();
  loss.dispose();
  if (!Number.isFinite(value)) {
    throw new Error(`the loss of step ${stepIndex} is not finite (${value})`);
  }
  return value;
}

/** Starts `backend`, first pointing the wasm backend at the .wasm files in vendor/. */
async function startBackend(backend) {
  if (typeof tf === 'undefined' || tf.wasm === undefined) {
    throw new Error(
      'TensorFlow.js or its wasm backend is missing from vendor/: run scripts/tfjs-bench-setup.sh',
    );
  }
  tf.wasm.setWasmPaths(new URL('vendor/', document.baseURI).href);
  if (!(await tf.setBackend(backend))) {
    throw new Error(`the ${backend} backend failed to start: see the browser console`);
  }
  await tf.ready();
  tf.enableProdMode();
}

/** Returns the wasm backend's SIMD and thread support as strings, or null on other backends. */
async function wasmFeatures(backend) {
  if (backend !== 'wasm') {
    return null;
  }
  const simd = await tf.env().getAsync('WASM_HAS_SIMD_SUPPORT');
  const threads = await tf.env().getAsync('WASM_HAS_MULTITHREAD_SUPPORT');
  return { simd: String(simd), threads: String(threads) };
}

/** Runs one untimed warm-up step and `steps` timed steps, and returns the measurements. */
async function measure(backend, steps) {
  const setStatus = (text) => {
    document.getElementById('status').textContent = text;
  };
  setStatus(`starting the ${backend} backend`);
  await startBackend(backend);

  const model = createModel();
  const optimizer = tf.train.adam(LEARNING_RATE, ADAM_BETA1, ADAM_BETA2, ADAM_EPSILON);
  setStatus('warm-up step');
  const firstLoss = await trainStep(model, optimizer, 0);

  // Adam creates its moment variables in the warm-up step, so the count must stay flat from here.
  const tensorsBefore = tf.memory().numTensors;
  setStatus(`${steps} timed steps`);
  const start = performance.now();
  let lastLoss = firstLoss;
  for (let step = 1; step <= steps; step += 1) {
    lastLoss = await trainStep(model, optimizer, step);
  }
  const seconds = (performance.now() - start) / 1000;
  const tensorsAfter = tf.memory().numTensors;
  if (tensorsAfter !== tensorsBefore) {
    throw new Error(
      `the tensor count grew from ${tensorsBefore} to ${tensorsAfter}: a step leaks tensors`,
    );
  }

  return {
    backend: tf.getBackend(),
    steps,
    seconds,
    stepsPerSecond: steps / seconds,
    firstLoss,
    lastLoss,
    wasm: await wasmFeatures(backend),
  };
}

/**
 * Writes the result, or the error into data-error, into <body> and then sets data-done, so a
 * waiting test stops on a failure too.
 */
async function main() {
  const body = document.body;
  try {
    const { backend, steps } = parseQuery(window.location.search);
    const result = await measure(backend, steps);
    body.dataset.backend = result.backend;
    body.dataset.tfjsVersion = tf.version.tfjs;
    body.dataset.timedSteps = String(result.steps);
    body.dataset.seconds = String(result.seconds);
    body.dataset.stepsPerSecond = String(result.stepsPerSecond);
    body.dataset.firstLoss = String(result.firstLoss);
    body.dataset.lastLoss = String(result.lastLoss);
    let wasmText = '';
    if (result.wasm !== null) {
      body.dataset.wasmSimd = result.wasm.simd;
      body.dataset.wasmThreads = result.wasm.threads;
      wasmText = `, SIMD ${result.wasm.simd}, threads ${result.wasm.threads}`;
    }
    document.getElementById('status').textContent = 'done';
    document.getElementById('result').textContent =
      `TensorFlow.js ${tf.version.tfjs}, ${result.backend} backend${wasmText}: ` +
      `${result.stepsPerSecond.toFixed(2)} steps/s over ${result.steps} timed steps ` +
      `(${(1000 * result.seconds / result.steps).toFixed(1)} ms per step), ` +
      `first loss ${result.firstLoss}, last loss ${result.lastLoss}`;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    body.dataset.error = message;
    document.getElementById('status').textContent = 'failed';
    document.getElementById('error').textContent = `Error: ${message}`;
  }
  body.dataset.done = 'true';
}

main();
