export { createCa, issueServerCert, type KeyAndCert, type LabCa } from './pki';
export {
  AgentLink,
  AgentSignatureCheck,
  AGENT_PUBLIC_KEY_HEADER,
  AGENT_SIGNATURE_HEADER,
} from './agentSignature';
export {
  makeLabTls,
  addToBundle,
  type LabCaFiles,
  type LabTlsMaterial,
  type LabTlsOptions,
} from './labTls';
