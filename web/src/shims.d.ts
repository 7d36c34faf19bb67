declare module "cytoscape-fcose";
declare module "cytoscape-svg";
