"""Lead endpoints: public intake and the sales pipeline."""
