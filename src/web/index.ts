export { serveGraph, graphModel, type GraphServer } from './graph-server.js';
export { toDot, toMermaid, layoutNodes, linkLabel, FIGURE2_LAYOUT, ROLE, type GraphModel, type GraphLink, type GraphNode } from './graph-model.js';
