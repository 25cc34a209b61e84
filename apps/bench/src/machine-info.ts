import os from 'node:os';
import * as tf from '@tensorflow/tfjs-core';
import type { MachineInfo } from './types.js';

/**
 * The machine as the benchmark sees it when it starts; the caller adds backend and torch
 * versions once those have loaded.
 */
export function baseMachineInfo(now = new Date()): MachineInfo {
  return {
    date: now.toISOString(),
    cpuModel: os.cpus()[0]?.model.trim() ?? 'unknown CPU',
    cores: os.availableParallelism(),
    loadAverage: os.loadavg().map((load) => Math.round(load * 100) / 100),
    platform: `${os.platform()} ${os.arch()} ${os.release()}`,
    node: process.version,
    tfjsCore: tf.version_core,
  };
}
