"""One module per section area of the TR-069 mapper; ``ponapi.tr069.mapper.AREAS`` lists them."""
