// Validates Kubernetes manifests offline: every document of every file given is checked against the schema of
// its apiVersion and kind (Kubernetes, KEDA, Strimzi). Writes {file: [documents]} as JSON to OUTPUT, prints
// every problem, and exits 1 when there is one. Files named with a leading "patch:" are partial objects
// (kustomize patches): only parsed, not validated.
import { readFileSync, writeFileSync } from 'node:fs';
import { parseAllDocuments } from 'yaml';

const models = {
  'v1/ConfigMap': () => import('kubernetes-models/v1/ConfigMap'),
  'v1/Secret': () => import('kubernetes-models/v1/Secret'),
  'v1/Service': () => import('kubernetes-models/v1/Service'),
  'apps/v1/Deployment': () => import('kubernetes-models/apps/v1/Deployment'),
  'policy/v1/PodDisruptionBudget': () => import('kubernetes-models/policy/v1/PodDisruptionBudget'),
  'networking.k8s.io/v1/NetworkPolicy': () => import('kubernetes-models/networking.k8s.io/v1/NetworkPolicy'),
  'keda.sh/v1alpha1/ScaledObject': () => import('@kubernetes-models/keda/keda.sh/v1alpha1/ScaledObject'),
  'keda.sh/v1alpha1/TriggerAuthentication': () => import('@kubernetes-models/keda/keda.sh/v1alpha1/TriggerAuthentication'),
  'kafka.strimzi.io/v1/KafkaTopic': () => import('@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1/KafkaTopic'),
  'kafka.strimzi.io/v1/KafkaUser': () => import('@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1/KafkaUser'),
  'kafka.strimzi.io/v1/Kafka': () => import('@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1/Kafka'),
  'kafka.strimzi.io/v1/KafkaNodePool': () => import('@kubernetes-models/strimzi-kafka-operator/kafka.strimzi.io/v1/KafkaNodePool'),
};

const problems = [];
const parsed = {};
for (const arg of process.argv.slice(2)) {
  const patch = arg.startsWith('patch:');
  const file = patch ? arg.slice(6) : arg;
  const docs = [];
  for (const doc of parseAllDocuments(readFileSync(file, 'utf8'))) {
    if (doc.errors.length) {
      problems.push(`${file}: not valid YAML: ${doc.errors.map(e => e.message).join('; ')}`);
      continue;
    }
    const object = doc.toJS();
    if (object === null) continue;
    docs.push(object);
    const type = `${object.apiVersion}/${object.kind}`;
    if (patch || type === 'kustomize.config.k8s.io/v1beta1/Kustomization') continue;
    const load = models[type];
    if (!load) {
      problems.push(`${file}: ${type} has no schema here`);
      continue;
    }
    const module = await load();
    const Model = module[object.kind];
    try {
      new Model(object).validate();
    } catch (e) {
      problems.push(`${file}: ${object.kind} ${object.metadata && object.metadata.name}: ${e.message}`);
    }
  }
  parsed[file] = docs;
}
writeFileSync(process.env.OUTPUT, JSON.stringify(parsed, null, 2));
for (const p of problems) console.log(p);
process.exit(problems.length ? 1 : 0);
