import { existsSync } from 'node:fs';
import { AppConfig, ConfigError, describeConfig, loadConfig } from '../config/app-config.js';
import { appLogger } from '../common/logger.js';

/**
 * For the entry points: reads ./.env if present, loads and validates the configuration, and exits
 * with a message naming each bad variable when it is invalid.
 */
export function loadConfigOrExit(role: 'API' | 'worker'): AppConfig {
  if (existsSync('.env')) process.loadEnvFile('.env');
  let config: AppConfig;
  try {
    config = loadConfig();
  } catch (err) {
    if (err instanceof ConfigError) {
      process.stderr.write(err.message + '\n');
      process.exit(1);
    }
    throw err;
  }
  appLogger.setLevel(config.logLevel);
  appLogger.write('info', `starting e-ISO ${role}`, describeConfig(config));
  return config;
}
