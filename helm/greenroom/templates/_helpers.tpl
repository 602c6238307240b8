{{/* Name of the chart, or nameOverride. */}}
{{- define "greenroom.name" -}}
{{- default .Chart.Name .Values.nameOverride | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Name of the release's objects: fullnameOverride, else the release name when it already
contains the chart name (`helm install greenroom …` gives "greenroom"), else
"<release>-<chart>". 63 characters at most (DNS label).
*/}}
{{- define "greenroom.fullname" -}}
{{- if .Values.fullnameOverride }}
{{- .Values.fullnameOverride | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- $name := default .Chart.Name .Values.nameOverride }}
{{- if contains $name .Release.Name }}
{{- .Release.Name | trunc 63 | trimSuffix "-" }}
{{- else }}
{{- printf "%s-%s" .Release.Name $name | trunc 63 | trimSuffix "-" }}
{{- end }}
{{- end }}
{{- end }}

{{- define "greenroom.chart" -}}
{{- printf "%s-%s" .Chart.Name .Chart.Version | replace "+" "_" | trunc 63 | trimSuffix "-" }}
{{- end }}

{{/*
Labels of every object. Without a component: the component label is added by
"greenroom.componentLabels" where one applies (operator, scaffolder).
*/}}
{{- define "greenroom.labels" -}}
helm.sh/chart: {{ include "greenroom.chart" . }}
{{ include "greenroom.selectorLabels" . }}
app.kubernetes.io/version: {{ .Chart.AppVersion | quote }}
app.kubernetes.io/managed-by: {{ .Release.Service }}
app.kubernetes.io/part-of: greenroom
{{- end }}

{{/*
The operator's selector labels. They never change between upgrades (a Deployment's
selector is immutable), so no version or chart label here.
*/}}
{{- define "greenroom.selectorLabels" -}}
app.kubernetes.io/name: {{ include "greenroom.name" . }}
app.kubernetes.io/instance: {{ .Release.Name }}
{{- end }}

{{- define "greenroom.operatorLabels" -}}
{{ include "greenroom.labels" . }}
app.kubernetes.io/component: operator
{{- end }}

{{- define "greenroom.operatorSelectorLabels" -}}
{{ include "greenroom.selectorLabels" . }}
app.kubernetes.io/component: operator
{{- end }}

{{/* The operator's ServiceAccount. */}}
{{- define "greenroom.serviceAccountName" -}}
{{- if .Values.serviceAccount.create }}
{{- default (include "greenroom.fullname" .) .Values.serviceAccount.name }}
{{- else }}
{{- default "default" .Values.serviceAccount.name }}
{{- end }}
{{- end }}

{{/* The operator's image; the tag defaults to the chart's appVersion. */}}
{{- define "greenroom.image" -}}
{{- printf "%s:%s" .Values.image.repository (.Values.image.tag | default .Chart.AppVersion | toString) }}
{{- end }}

{{/* The image of scaffolding Jobs: scaffolder.image, else the operator's own image. */}}
{{- define "greenroom.scaffoldImage" -}}
{{- .Values.scaffolder.image | default (include "greenroom.image" .) }}
{{- end }}

{{/*
--trust-proxy: http.trustProxy, else one hop behind the chart's Ingress (its controller
appends the address it saw to X-Forwarded-For), else nobody.
*/}}
{{- define "greenroom.trustProxy" -}}
{{- if .Values.http.trustProxy }}{{ .Values.http.trustProxy }}{{ else if .Values.ingress.enabled }}1{{ else }}false{{ end }}
{{- end }}

{{/*
Namespaces that get the scaffolder's ServiceAccount, Role and RoleBinding, as a JSON
list: scaffolder.namespaces, else the watched namespace, else the release namespace.
*/}}
{{- define "greenroom.scaffolderNamespaces" -}}
{{- $namespaces := .Values.scaffolder.namespaces }}
{{- if not $namespaces }}
{{- $namespaces = list (.Values.watchNamespace | default .Release.Namespace) }}
{{- end }}
{{- $namespaces | uniq | toJson }}
{{- end }}

{{/* The Prometheus series selector of this release's operator (job = the Service's name). */}}
{{- define "greenroom.metricsSelector" -}}
job="{{ include "greenroom.fullname" . }}",namespace="{{ .Release.Namespace }}"
{{- end }}

{{/*
What the operator does with the API, and nothing more. Used by the ClusterRole, or by the
Role in watchNamespace. Leases are separate (a Role in the release namespace).
*/}}
{{- define "greenroom.operatorRules" -}}
{{- $jobs := eq .Values.templates.executor "job" -}}
# Catalog kinds: the informers (list, watch). With Jobs, deleting what a failed run
# registered is granted in the scaffolder namespaces only ("greenroom.launcherRules").
{{- if not $jobs }}
# In-process (one watched namespace only, so this is a Role there): scaffolders run with the
# operator's credentials and register entities (create); delete undoes a failed run's.
{{- end }}
- apiGroups: [greenroom.dev]
  resources: [components, apis, resources, systems, domains, groups, users]
  verbs: [list, watch{{ if not $jobs }}, create, delete{{ end }}]
# Their status: relations and conditions, written by server-side apply.
- apiGroups: [greenroom.dev]
  resources: [components/status, apis/status, resources/status, systems/status, domains/status, groups/status, users/status]
  verbs: [patch]
# Templates, runs, docs sources, scorecards and initiatives: informers, plus status by
# server-side apply. A run is read afresh (get) before it is started, so it never starts twice.
- apiGroups: [greenroom.dev]
  resources: [templates, docsources, catalogsources, scorecards, initiatives]
  verbs: [list, watch]
- apiGroups: [greenroom.dev]
  resources: [templateruns]
  verbs: [get, list, watch]
- apiGroups: [greenroom.dev]
  resources: [templates/status, templateruns/status, docsources/status, catalogsources/status, scorecards/status, initiatives/status]
  verbs: [patch]
# A verified push webhook asks for a sync by annotating its CatalogSource (one merge patch).
- apiGroups: [greenroom.dev]
  resources: [catalogsources]
  verbs: [patch]
# Runtime facts for scorecards: the workloads labelled for an entity, and the
# PodDisruptionBudgets that may cover them. Read only.
- apiGroups: [apps]
  resources: [deployments, statefulsets]
  verbs: [list, watch]
# kubernetes CatalogSources: Components from labelled Deployments, StatefulSets and Services. Read only.
- apiGroups: [""]
  resources: [services]
  verbs: [list]
- apiGroups: [policy]
  resources: [poddisruptionbudgets]
  verbs: [list, watch]
# ConfigMap skeletons, docs sources and stored docs are read. Writing ConfigMaps (built docs,
# run snapshots) is granted only where Greenroom stores them ("greenroom.docsStorageRules",
# "greenroom.launcherRules"): ConfigMaps configure other software (CoreDNS in kube-system).
- apiGroups: [""]
  resources: [configmaps]
  verbs: [get, list, watch]
{{- if $jobs }}
# The scaffolding Jobs it started are followed by one informer (label-selected). Creating
# them is granted only in the scaffolder namespaces ("greenroom.launcherRules").
- apiGroups: [batch]
  resources: [jobs]
  verbs: [list, watch]
{{- end }}
# Events on the objects it acts on (kubectl describe, kubectl events); the Runtime tab
# watches Warning Events (by field selector type=Warning, never the Normal ones).
- apiGroups: [events.k8s.io]
  resources: [events]
  verbs: [create, list, watch]
# The Runtime tab: Pods labelled for an entity (a Deployment's Pods carry its template's
# labels). Read only; a person sees them only where their own RBAC lets them list Pods.
- apiGroups: [""]
  resources: [pods]
  verbs: [list, watch]
# Delivery health on the Runtime tab, watched only when the cluster serves these kinds.
- apiGroups: [argoproj.io]
  resources: [applications]
  verbs: [list, watch]
- apiGroups: [kustomize.toolkit.fluxcd.io]
  resources: [kustomizations]
  verbs: [list, watch]
- apiGroups: [helm.toolkit.fluxcd.io]
  resources: [helmreleases]
  verbs: [list, watch]
{{- with .Values.rbac.secretNames }}
# Credentials named by DocSources and Templates (read for in-process scaffolders, and for
# the greenroom.dev/allowed-hosts annotation that Jobs are told): these Secrets only.
- apiGroups: [""]
  resources: [secrets]
  resourceNames: {{ toJson . }}
  verbs: [get]
{{- end }}
{{- end }}

{{/*
What the operator needs to start scaffolding Jobs, granted by a Role in each scaffolder
namespace only: a Job that runs as any ServiceAccount it names is as strong as that
account, so creating Jobs cluster-wide would let the operator act as every account in
the cluster. The scaffolder's ServiceAccount is checked by name before a Job is created.
*/}}
{{- define "greenroom.launcherRules" -}}
- apiGroups: [batch]
  resources: [jobs]
  verbs: [get, create]
# The run's snapshot ConfigMap (created for its Job, deleted when the run ends), and owner
# references with blockOwnerDeletion on it and on the Job.
- apiGroups: [""]
  resources: [configmaps]
  verbs: [create, delete]
- apiGroups: [greenroom.dev]
  resources: [templateruns/finalizers]
  verbs: [update]
# A failed run's registered entities are removed again.
- apiGroups: [greenroom.dev]
  resources: [components, apis, resources, systems, domains, groups, users]
  verbs: [delete]
- apiGroups: [""]
  resources: [serviceaccounts]
  resourceNames: [{{ .Values.scaffolder.serviceAccountName | quote }}]
  verbs: [get]
{{- end }}

{{/*
Where the operator stores built docs, granted by a Role in each docs namespace only: the
chunks are ConfigMaps the DocSource owns (replaced by create and delete).
*/}}
{{- define "greenroom.docsStorageRules" -}}
- apiGroups: [""]
  resources: [configmaps]
  verbs: [create, delete]
- apiGroups: [greenroom.dev]
  resources: [docsources/finalizers]
  verbs: [update]
{{- end }}

{{/*
What CatalogSources write, granted by a Role in each catalog-source namespace only: the
entities they hold, by server-side apply (patch) and delete. Nothing else is written.
*/}}
{{- define "greenroom.catalogWriterRules" -}}
- apiGroups: [greenroom.dev]
  resources: [components, apis, resources, systems, domains, groups, users]
  verbs: [patch, delete]
{{- end }}

{{/*
Namespaces where CatalogSources may keep entities, as a JSON list:
rbac.catalogSourceNamespaces, else the watched namespace, else the release namespace.
*/}}
{{- define "greenroom.catalogSourceNamespaces" -}}
{{- $namespaces := .Values.rbac.catalogSourceNamespaces }}
{{- if not $namespaces }}
{{- $namespaces = list (.Values.watchNamespace | default .Release.Namespace) }}
{{- end }}
{{- $namespaces | uniq | toJson }}
{{- end }}

{{/*
Namespaces where DocSources may store built docs, as a JSON list: rbac.docsNamespaces,
else the watched namespace, else the release namespace.
*/}}
{{- define "greenroom.docsNamespaces" -}}
{{- $namespaces := .Values.rbac.docsNamespaces }}
{{- if not $namespaces }}
{{- $namespaces = list (.Values.watchNamespace | default .Release.Namespace) }}
{{- end }}
{{- $namespaces | uniq | toJson }}
{{- end }}

{{/*
The dashboard's external URL (--dashboard-url): auth.externalUrl, else the Ingress host
(https when its TLS is on); empty when neither is set.
*/}}
{{- define "greenroom.externalUrl" -}}
{{- if .Values.auth.externalUrl -}}
{{- trimSuffix "/" .Values.auth.externalUrl -}}
{{- else if .Values.ingress.enabled -}}
{{- ternary "https" "http" .Values.ingress.tls.enabled }}://{{ .Values.ingress.host -}}
{{- end -}}
{{- end }}

{{/* The Secret sealing session cookies and CSRF tokens: the given one, or the chart's. */}}
{{- define "greenroom.sessionSecretName" -}}
{{- .Values.auth.session.existingSecret | default (printf "%s-session" (include "greenroom.fullname" .)) -}}
{{- end }}

{{/* Whether oauth2-proxy runs beside the operator (auth.mode proxy with the sidecar on). */}}
{{- define "greenroom.signInSidecar" -}}
{{- if and (eq .Values.auth.mode "proxy") .Values.auth.proxy.sidecar.enabled }}true{{ end -}}
{{- end }}

{{/* The Service's target: the sidecar when it runs, else the operator's own port. */}}
{{- define "greenroom.dashboardTarget" -}}
{{- ternary "sign-in" "http" (eq (include "greenroom.signInSidecar" .) "true") -}}
{{- end }}

{{/* The Secret of oauth2-proxy's cookie key: the given one, or the chart's. */}}
{{- define "greenroom.proxyCookieSecretName" -}}
{{- .Values.auth.proxy.sidecar.cookieSecret.existingSecret | default (printf "%s-proxy-cookie" (include "greenroom.fullname" .)) -}}
{{- end }}
