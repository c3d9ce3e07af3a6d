"""TR-069 data-model mapping: a GenieACS device document -> the five stats sections."""
