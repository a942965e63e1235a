export {
  CLAB_DEFAULT_MTU, CLAB_DEFAULT_PREFIX, endpointsOf, expandMagic, nodeOfEnd,
  type ClabEnd, type ClabHealthcheck, type ClabLab, type ClabLink, type ClabMgmt, type ClabNodeSpec, type ClabStage, type StageExec,
} from './model.js';
export { stageNames, type StageName } from './schema.js';
export { substituteEnv } from './env-subst.js';
export { shellWords } from './shell-words.js';
export { isClabTopology } from './resolve-clab.js';
