"""From words to moments: parsing a request, time words, retrieval, selection and planning a memory."""
