// Log Analytics for aks-vnet-audit: the custom table AksVnetAudit_CL, a data collection endpoint, a data collection
// rule whose stream Custom-AksVnetAudit_CL feeds the table, the role the scanner needs on the rule, and a workbook.
// Deploy into the resource group of an existing workspace:
//   az deployment group create -g <rg> -f main.bicep -p workspaceName=<workspace> scannerPrincipalId=<object id>
targetScope = 'resourceGroup'

@description('Name of an existing Log Analytics workspace in this resource group.')
param workspaceName string

param location string = resourceGroup().location
param dataCollectionEndpointName string = 'dce-aks-vnet-audit'
param dataCollectionRuleName string = 'dcr-aks-vnet-audit'

@description('Object id of the identity the scheduled scan signs in as (managed identity, workload identity or service principal). Empty: assign Monitoring Metrics Publisher on the rule yourself.')
param scannerPrincipalId string = ''

@description('Days the table keeps rows; -1 keeps the workspace default.')
param retentionInDays int = -1

var tableName = 'AksVnetAudit_CL'
var streamName = 'Custom-${tableName}'

// One table for both row kinds: RecordType 'run' (one per scan) and 'result' (one per rule result).
// Keep in step with src/deliver/log-analytics-rows.ts; a test compares the two.
var columns = [
  { name: 'TimeGenerated', type: 'datetime', description: 'When the scan finished.' }
  { name: 'RecordType', type: 'string', description: 'run or result.' }
  { name: 'RunId', type: 'string', description: 'The run, as in findings.json run.id.' }
  { name: 'ScopeKey', type: 'string', description: 'Hash of the scanned scope; runs of one scope are diffed.' }
  { name: 'Scope', type: 'dynamic', description: 'Run rows: tenant ids the run covers.' }
  { name: 'Source', type: 'string', description: 'Run rows: resource-graph, snapshot or demo.' }
  { name: 'ToolVersion', type: 'string', description: 'Run rows: aks-vnet-audit version.' }
  { name: 'StartedAt', type: 'datetime', description: 'Run rows: when the scan started.' }
  { name: 'PreviousRunId', type: 'string', description: 'Run rows: the run this one was diffed against.' }
  { name: 'Complete', type: 'boolean', description: 'Run rows: false when a tenant, batch or query was not read.' }
  { name: 'Gaps', type: 'int', description: 'Run rows: coverage gaps.' }
  { name: 'Clusters', type: 'int', description: 'Run rows: AKS clusters seen.' }
  { name: 'IntegratedClusters', type: 'int', description: 'Run rows: clusters with API Server VNet Integration.' }
  { name: 'IntegratedPercent', type: 'real', description: 'Run rows: IntegratedClusters / Clusters, in percent.' }
  { name: 'Critical', type: 'int', description: 'Run rows: failing critical results.' }
  { name: 'High', type: 'int', description: 'Run rows: failing high results.' }
  { name: 'Medium', type: 'int', description: 'Run rows: failing medium results.' }
  { name: 'Low', type: 'int', description: 'Run rows: failing low results.' }
  { name: 'Info', type: 'int', description: 'Run rows: failing info results.' }
  { name: 'New', type: 'int', description: 'Run rows: failing results new since the previous run.' }
  { name: 'Resolved', type: 'int', description: 'Run rows: findings of the previous run that no longer fail.' }
  { name: 'Suppressed', type: 'int', description: 'Run rows: suppressed results.' }
  { name: 'Results', type: 'int', description: 'Run rows: all results.' }
  { name: 'RuleId', type: 'string', description: 'Result rows: the rule.' }
  { name: 'Status', type: 'string', description: 'Result rows: fail, unverified, pass, not_applicable, error or suppressed.' }
  { name: 'Severity', type: 'string', description: 'Result rows: critical, high, medium, low or info.' }
  { name: 'ResourceId', type: 'string', description: 'Result rows: ARM id of the resource.' }
  { name: 'ResourceType', type: 'string', description: 'Result rows: ARM type of the resource.' }
  { name: 'Detail', type: 'string', description: 'Result rows: what tells several results on one resource apart.' }
  { name: 'Message', type: 'string', description: 'Result rows: one sentence naming the resource.' }
  { name: 'Fingerprint', type: 'string', description: 'Result rows: stable finding id across runs.' }
  { name: 'TenantId', type: 'string', description: 'Result rows: tenant of the resource.' }
  { name: 'SubscriptionId', type: 'string', description: 'Result rows: subscription of the resource.' }
  { name: 'Diff', type: 'string', description: 'Result rows: new or persisting against the previous run.' }
  { name: 'SuppressionReason', type: 'string', description: 'Result rows: why a suppressed result is suppressed.' }
  { name: 'Evidence', type: 'dynamic', description: 'Result rows: what the rule saw (cut to its size past 32,000 characters).' }
]

resource workspace 'Microsoft.OperationalInsights/workspaces@2022-10-01' existing = {
  name: workspaceName
}

resource table 'Microsoft.OperationalInsights/workspaces/tables@2022-10-01' = {
  parent: workspace
  name: tableName
  properties: {
    plan: 'Analytics'
    retentionInDays: retentionInDays
    schema: {
      name: tableName
      // Tables spell the type dateTime; stream declarations spell it datetime.
      columns: [for column in columns: {
        name: column.name
        type: column.type == 'datetime' ? 'dateTime' : column.type
        description: column.description
      }]
    }
  }
}

resource endpoint 'Microsoft.Insights/dataCollectionEndpoints@2023-03-11' = {
  name: dataCollectionEndpointName
  location: location
  properties: {
    networkAcls: {
      publicNetworkAccess: 'Enabled'
    }
  }
}

resource rule 'Microsoft.Insights/dataCollectionRules@2023-03-11' = {
  name: dataCollectionRuleName
  location: location
  properties: {
    dataCollectionEndpointId: endpoint.id
    streamDeclarations: {
      '${streamName}': {
        columns: [for column in columns: { name: column.name, type: column.type }]
      }
    }
    destinations: {
      logAnalytics: [
        {
          name: 'workspace'
          workspaceResourceId: workspace.id
        }
      ]
    }
    dataFlows: [
      {
        streams: [streamName]
        destinations: ['workspace']
        transformKql: 'source'
        outputStream: streamName
      }
    ]
  }
  dependsOn: [table]
}

// Monitoring Metrics Publisher: the role the Logs Ingestion API checks on the rule for every upload.
var monitoringMetricsPublisher = '3913510d-42f4-4e42-8a64-420c390055eb'

resource publisher 'Microsoft.Authorization/roleAssignments@2022-04-01' = if (!empty(scannerPrincipalId)) {
  name: guid(rule.id, scannerPrincipalId, monitoringMetricsPublisher)
  scope: rule
  properties: {
    roleDefinitionId: subscriptionResourceId('Microsoft.Authorization/roleDefinitions', monitoringMetricsPublisher)
    principalId: scannerPrincipalId
    principalType: 'ServicePrincipal'
  }
}

// The workbook's queries are the .kql files beside this template, loaded at build time, so there is one copy of each.
var workbook = {
  version: 'Notebook/1.0'
  items: [
    {
      type: 1
      name: 'title'
      content: {
        json: '## AKS API Server VNet Integration\nRows sent by `aks-vnet-audit scan --log-analytics-endpoint` to ${tableName}.'
      }
    }
    {
      type: 3
      name: 'integrated-percent-over-time'
      content: {
        version: 'KqlItem/1.0'
        title: 'Integrated % over time'
        query: loadTextContent('queries/integrated-percent-over-time.kql')
        queryType: 0
        resourceType: 'microsoft.operationalinsights/workspaces'
        visualization: 'timechart'
        timeContext: { durationMs: 7776000000 }
      }
    }
    {
      type: 3
      name: 'new-critical-findings'
      content: {
        version: 'KqlItem/1.0'
        title: 'New critical findings'
        query: loadTextContent('queries/new-critical-findings.kql')
        queryType: 0
        resourceType: 'microsoft.operationalinsights/workspaces'
        visualization: 'table'
        timeContext: { durationMs: 2592000000 }
      }
    }
    {
      type: 3
      name: 'clusters-not-restarted'
      content: {
        version: 'KqlItem/1.0'
        title: 'Clusters not restarted since enablement'
        query: loadTextContent('queries/clusters-not-restarted.kql')
        queryType: 0
        resourceType: 'microsoft.operationalinsights/workspaces'
        visualization: 'table'
        timeContext: { durationMs: 604800000 }
      }
    }
  ]
  fallbackResourceIds: [workspace.id]
  '$schema': 'https://github.com/Microsoft/Application-Insights-Workbooks/blob/master/schema/workbook.json'
}

resource auditWorkbook 'Microsoft.Insights/workbooks@2022-04-01' = {
  name: guid(resourceGroup().id, 'aks-vnet-audit-workbook')
  location: location
  kind: 'shared'
  properties: {
    displayName: 'AKS API Server VNet Integration audit'
    category: 'workbook'
    sourceId: workspace.id
    serializedData: string(workbook)
  }
}

@description('Give this to --log-analytics-endpoint.')
output logsIngestionEndpoint string = endpoint.properties.logsIngestion.endpoint

@description('Give this to --dcr-id.')
output dcrImmutableId string = rule.properties.immutableId

@description('Give this to --dcr-stream (it is also the default).')
output streamName string = streamName
