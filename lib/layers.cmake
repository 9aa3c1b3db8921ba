# The layers of lib/ (docs/architecture.md): one folder per subsystem and,
# for each, the folders its files may use. A folder's nested folders
# (model/onnx, eval/fast) belong to it. lib/CMakeLists.txt builds these
# folders; tests/layering checks every #include and every symbol reference
# of the library against this table.
set(ZKB_LAYERS core model data eval train plugin evm run conformance report srs)
set(ZKB_LAYER_USES_core "")
set(ZKB_LAYER_USES_model core)
set(ZKB_LAYER_USES_data core model)
set(ZKB_LAYER_USES_eval core model data)
set(ZKB_LAYER_USES_train core model data eval)
set(ZKB_LAYER_USES_plugin core model data eval)
set(ZKB_LAYER_USES_evm core plugin)
set(ZKB_LAYER_USES_run core model data eval plugin evm)
set(ZKB_LAYER_USES_conformance core model data eval plugin evm run)
set(ZKB_LAYER_USES_report core)
set(ZKB_LAYER_USES_srs core)
